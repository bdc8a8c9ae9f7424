/**
 * The fleet as the status page shows it, built from the last reconcile's own observation (its observe
 * stage) and plan: nothing is read from the providers for the page, and nothing is made up. What the
 * controller cannot know (bandwidth used, deployed versions) is left out of the data
 * and shown as "not observed".
 */
import type { LiveServer } from '../../model/live.ts';
import type { Manifests, ProjectConfig, RecordSource, ServerDoc } from '../../model/types.ts';
import type { Change } from '../../plan/types.ts';
import type { ReconcileResult } from '../../reconcile/types.ts';
import { scheduledStart } from '../../schedule/slots.ts';

/** in sync: live matches the commit in force; drifted: it differs and was not put back; pending: a change is on its way. */
export type SyncStatus = 'in-sync' | 'drifted' | 'pending';
/** From the provider's own state of the resource (not a probe of the service). */
export type Health = 'healthy' | 'degraded' | 'down';

export interface ServerRow {
  name: string;
  region: string;
  plan: string;
  ipv4?: string;
  ipv6?: string;
  /** The provider's status/power/install, or absent when the server was not live at the observation. */
  state?: string;
  health: Health;
  sync: SyncStatus;
  /** What the last plan wanted to change, when anything. */
  change?: string;
  rebuild?: { running?: { since: string; step?: string }; next?: string; held?: string };
  bandwidth?: { limitGB: number };
}

export interface DnsRow {
  name: string;
  type: string;
  zone: string;
  /** What the manifests declare: literal values, or `server (v4)` references. */
  declared: string[];
  /** The record contents live at the observation. */
  live: string[];
  comment?: string;
  /** Servers the record points at, and whether their address was in the zone at the observation. */
  targets: { server: string; inDns: boolean }[];
  sync: SyncStatus;
  change?: string;
}

export interface SnapshotRow {
  name: string;
  /** The newest live snapshot's provider status, absent when none is live. */
  state?: string;
  createdAt?: string;
  count: number;
  sync: SyncStatus;
}

export interface DeploymentRow {
  name: string;
  /** The declared targets (server names, hosts, or a selector). */
  targets: string[];
}

/** The fleet at the last observation. */
export interface FleetView {
  observedAt: string;
  revision?: string;
  servers: ServerRow[];
  dns: DnsRow[];
  snapshots: SnapshotRow[];
  deployments: DeploymentRow[];
}

function health(s: LiveServer | undefined): Health {
  if (!s || s.status === 'suspended' || s.power === 'stopped') return 'down';
  return s.status === 'active' && s.install === 'ok' ? 'healthy' : 'degraded';
}

/** A change's effect on its row's sync status, given how the reconcile ended. */
function syncOf(change: Change | undefined, done: Set<string>): SyncStatus {
  if (!change) return 'in-sync';
  if (done.has(change.id)) return 'in-sync';
  return change.action === 'create' ? 'pending' : 'drifted';
}

function sourceText(src: RecordSource, selectorMatch: (labels: Record<string, string>) => string[]): { declared: string[]; servers: string[] } {
  if ('values' in src) return { declared: src.values, servers: [] };
  const servers = 'servers' in src ? src.servers : selectorMatch(src.serverSelector.matchLabels);
  return { declared: servers.map((s) => `server ${s}`), servers };
}

export interface FleetInputs {
  result: ReconcileResult;
  project: ProjectConfig;
  manifests: Manifests;
  rebuilds: { running: ReadonlyMap<string, { since: number; step?: string }>; held: readonly { server: string; reason: string }[] };
  now: number;
}

/** Builds the rows from a reconcile that observed (undefined when it did not get that far). */
export function buildFleet({ result, project, manifests, rebuilds, now }: FleetInputs): FleetView | undefined {
  const live = result.live;
  if (!live) return undefined;
  const owner = project.owner;
  const iso = (ms: number) => new Date(ms).toISOString();
  const done = new Set(result.changes.filter((c) => c.status === 'done').map((c) => c.id));
  const changes = result.plan?.changes ?? [];
  const byServer = new Map<string, LiveServer>();
  for (const s of live.servers) if (s.ownership?.owner === owner && !s.ownership.successorOf) byServer.set(s.ownership.name, s);
  const serverChange = new Map<string, Change>();
  for (const c of changes) if (c.kind === 'Server' && !serverChange.has(c.name)) serverChange.set(c.name, c);
  const docs = [...manifests.servers.values()];
  const selectorMatch = (labels: Record<string, string>) =>
    docs.filter((d: ServerDoc) => Object.entries(labels).every(([k, v]) => d.metadata.labels[k] === v)).map((d) => d.metadata.name);

  const servers: ServerRow[] = docs.map((d) => {
    const name = d.metadata.name;
    const s = byServer.get(name);
    const c = serverChange.get(name);
    const running = rebuilds.running.get(name);
    const held = rebuilds.held.find((h) => h.server === name);
    const next = d.spec.rebuild && !running ? scheduledStart(name, d.spec.rebuild, now) : undefined;
    const rebuild = running || held || next
      ? { ...(running && { running: { since: iso(running.since), ...(running.step && { step: running.step }) } }), ...(next && { next: iso(next.startAt) }), ...(held && { held: held.reason }) }
      : undefined;
    return {
      name, region: s?.region ?? d.spec.region, plan: s?.plan ?? d.spec.plan,
      ...(s?.ipv4 && { ipv4: s.ipv4 }), ...(s?.ipv6 && { ipv6: s.ipv6 }),
      ...(s && { state: `${s.status}/${s.power}/${s.install}` }),
      health: health(s), sync: running ? 'pending' : syncOf(c, done), ...(c && { change: c.reason }),
      ...(rebuild && { rebuild }), ...(d.spec.bandwidth && { bandwidth: { limitGB: d.spec.bandwidth.monthlyLimitGB } }),
    };
  });

  const addresses = new Map<string, string[]>();
  for (const [name, s] of byServer) addresses.set(name, [s.ipv4, s.ipv6].filter((a): a is string => !!a));
  const dns: DnsRow[] = [];
  for (const z of manifests.dnsZones.values()) {
    for (const r of z.spec.records) {
      const liveRecs = live.records.filter((x) => x.fqdn === r.fqdn && x.type === r.type);
      const { declared, servers: targets } = sourceText(r.source, selectorMatch);
      const prefix = `${r.fqdn} ${r.type} `;
      const mine = changes.filter((c) => c.kind === 'DNSRecord' && c.name.startsWith(prefix));
      const open = mine.filter((c) => !done.has(c.id));
      const sync: SyncStatus = open.length === 0 ? 'in-sync' : open.every((c) => c.action === 'create') ? 'pending' : 'drifted';
      dns.push({
        name: r.fqdn, type: r.type, zone: z.spec.zone, declared, live: liveRecs.map((x) => x.content),
        ...(r.comment && { comment: r.comment }),
        targets: targets.map((t) => ({ server: t, inDns: (addresses.get(t) ?? []).some((a) => liveRecs.some((x) => x.content === a)) })),
        sync, ...(open[0] && { change: open[0].reason }),
      });
    }
  }

  const snapshots: SnapshotRow[] = [...manifests.snapshots.values()].map((d) => {
    const name = d.metadata.name;
    const mine = live.snapshots.filter((x) => x.ownership?.owner === owner && x.ownership.name === name).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const c = changes.find((x) => x.kind === 'Snapshot' && x.name === name);
    return { name, ...(mine[0] && { state: mine[0].status, createdAt: mine[0].createdAt }), count: mine.length, sync: syncOf(c, done) };
  });

  const deployments: DeploymentRow[] = [...manifests.deployments.values()].map((d) => {
    const t = d.spec.targets;
    const targets = 'servers' in t ? t.servers : 'hosts' in t ? t.hosts.map((h) => h.name) : selectorMatch(t.selector.matchLabels);
    return { name: d.metadata.name, targets };
  });

  return { observedAt: live.observedAt, ...(result.revision && { revision: result.revision }), servers, dns, snapshots, deployments };
}
