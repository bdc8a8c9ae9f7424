/**
 * The failover loop: probes every target of every record set with a failover policy, keeps each
 * target's health (health.ts), decides what DNS should hold (rules.ts), writes only the difference
 * (dns-writer.ts, one call per zone and round) and tells the policy's Notifiers on each change.
 *
 * It runs in rounds: each round probes the record sets that are due (their own `interval`), then
 * acts on all of them at once, so targets failing together are removed in one batch. Health is
 * kept per target name, so a server that moves (a rebuild) keeps its state; its new address is
 * picked up when the addresses are refreshed. State lives in memory: after a restart every target
 * starts up, and a held one is re-held after `unhealthyThreshold` probes.
 *
 * The controller wires it in with `startFailover` and applies `heldDown()` to its desired state
 * through `subtractHeldDown` (desired.ts), so a drift reconcile never re-adds a held target.
 */
import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import type { ApplyClock } from '../apply/types.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import type { Providers } from '../providers/types.ts';
import type { NotifyEvent } from '../notify/webhook.ts';
import type { NotifySink } from '../notify/sink.ts';
import type { HeldDown } from './desired.ts';
import { DnsWriter, type RecordAction } from './dns-writer.ts';
import { initialHealth, observeProbe, type TargetHealth } from './health.ts';
import { realProber, type ProbeOutcome, type Prober } from './prober.ts';
import { decideGroup } from './rules.ts';
import { addressBookOf, failoverGroups, targetAddress, type AddressBook, type FailoverGroup } from './targets.ts';

export type FailoverEventName = 'failover.down' | 'failover.up' | 'failover.held' | 'failover.suspect';

export interface FailoverOptions {
  project: Pick<ProjectConfig, 'owner'>;
  manifests: Manifests;
  providers: Providers;
  clock: ApplyClock;
  sink?: NotifySink;
  /** Default: the real prober (HTTP(S) or TCP, address guard first). */
  prober?: Prober;
  /** Where targets' addresses come from; default: the compute provider's server list. */
  addresses?: () => Promise<AddressBook>;
  /** How often the addresses are read again (clock ms); default 60 s. */
  addressRefreshMs?: number;
  /** Probes in flight at once; default 64. */
  probeConcurrency?: number;
  /** After every probe (for /metrics). */
  onProbe?: (group: FailoverGroup, target: string, outcome: ProbeOutcome) => void;
  /** After every round (for /metrics and tests). */
  onRound?: (r: RoundReport) => void;
  /** Problems that do not stop the loop (a failed write, a failed notification). */
  onError?: (line: string) => void;
}

/** What one target looks like now, for /metrics and `keelson status`. */
export interface TargetStatus {
  key: string;
  fqdn: string;
  type: 'A' | 'AAAA';
  target: string;
  address?: string;
  health: 'up' | 'down' | 'unknown';
  /** ISO time the health began. */
  since: string;
  inDns: boolean;
  probes: number;
  lastWhy?: string;
}

export interface RoundReport {
  probed: number;
  actions: RecordAction[];
  writes: number;
  events: NotifyEvent[];
}

export interface FailoverHandle {
  /** Ends the loop after the round in progress; resolves when it has. */
  stop(): Promise<void>;
  status(): TargetStatus[];
  /** Targets out of DNS now, for `subtractHeldDown`. */
  heldDown(): HeldDown;
  /** New manifests (a new commit): groups are rebuilt; the health of targets that remain is kept. */
  setManifests(m: Manifests): void;
}

interface GroupState {
  group: FailoverGroup;
  nextDue: number;
  held: Set<string>;
  suspect: boolean;
  atMinimum: Set<string>;
}

/** Starts the loop; the first round runs at once. */
export function startFailover(opts: FailoverOptions): FailoverHandle {
  let manifests = opts.manifests;
  const clock = opts.clock;
  const prober = opts.prober ?? realProber;
  const writer = new DnsWriter(opts.providers.dns, () => manifests, opts.project.owner);
  const health = new Map<string, TargetHealth>();
  const groups = new Map<string, GroupState>();
  const loadAddresses = opts.addresses ?? (async () => addressBookOf(await opts.providers.compute.listServers(), opts.project.owner));
  const probes = new PQueue({ concurrency: opts.probeConcurrency ?? 64 });
  let book: AddressBook = () => undefined;
  let booksAt = -Infinity;
  let stopped = false;
  let wake: (() => void) | undefined;

  const rebuild = (): void => {
    const next = failoverGroups(manifests);
    const keep = new Map(groups);
    groups.clear();
    for (const g of next) {
      const prev = keep.get(g.key);
      groups.set(g.key, prev ? { ...prev, group: g } : { group: g, nextDue: clock.now(), held: new Set(), suspect: false, atMinimum: new Set() });
    }
  };
  rebuild();
  const hkey = (g: FailoverGroup, t: string): string => `${g.key}#${t}`;

  async function round(): Promise<RoundReport> {
    const now = clock.now();
    if (now - booksAt >= (opts.addressRefreshMs ?? 60_000)) {
      try {
        book = await loadAddresses();
        booksAt = now;
      } catch (err) {
        // Fail closed: with no fresh addresses, probe the ones known and change nothing else.
        opts.onError?.(`failover: reading server addresses failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const due = [...groups.values()].filter((s) => s.nextDue <= now);
    const jobs = due.flatMap((s) => s.group.targets.flatMap((t) => {
      const address = targetAddress(s.group, t, book);
      return address ? [{ s, target: t.name, address }] : [];
    }));
    const outcomes = await probes.addAll(jobs.map((j) => async () => {
      const p = j.s.group.policy;
      const o = await prober(j.address, { check: p.check, scheme: p.scheme, tlsVerify: p.tlsVerify, hostname: j.s.group.fqdn });
      opts.onProbe?.(j.s.group, j.target, o);
      return o;
    }));
    const at = clock.now();
    jobs.forEach((j, i) => {
      const o = outcomes[i]!;
      if (!o.ok && o.refused) return; // says nothing about the server
      const k = hkey(j.s.group, j.target);
      const c = j.s.group.policy.check;
      health.set(k, observeProbe(health.get(k) ?? initialHealth(at), o.ok, o.ok ? undefined : o.why, at, { ...c, holdDown: j.s.group.policy.holdDown }).next);
    });
    const actions: RecordAction[] = [];
    const events: NotifyEvent[] = [];
    const decided: { s: GroupState; held: Set<string>; suspect: boolean; atMinimum: Set<string> }[] = [];
    for (const s of due) {
      s.nextDue = at + s.group.policy.check.interval;
      const addressed = s.group.targets.filter((t) => targetAddress(s.group, t, book)).map((t) => t.name);
      const hs = new Map(addressed.flatMap((t) => {
        const h = health.get(hkey(s.group, t));
        return h ? [[t, h] as const] : [];
      }));
      const v = decideGroup(addressed, hs, s.held, s.group.policy.minHealthy);
      for (const t of v.held) if (!s.held.has(t)) actions.push({ group: s.group, target: t, address: targetAddress(s.group, { name: t, server: s.group.targets.find((x) => x.name === t)?.server ?? true }, book)!, op: 'remove' });
      for (const t of s.held) if (!v.held.has(t)) {
        const address = targetAddress(s.group, { name: t, server: s.group.targets.find((x) => x.name === t)?.server ?? true }, book);
        if (address) actions.push({ group: s.group, target: t, address, op: 'add' });
      }
      decided.push({ s, held: v.held, suspect: v.suspect, atMinimum: new Set(v.keptAtMinimum) });
    }
    let writes: number;
    try {
      writes = (await writer.apply(actions)).calls;
    } catch (err) {
      // Nothing is committed: the next round decides again from the same state and retries.
      opts.onError?.(`failover: DNS write failed: ${err instanceof Error ? err.message : String(err)}`);
      for (const d of decided) d.s.nextDue = at;
      return { probed: jobs.length, actions, writes: 0, events };
    }
    for (const d of decided) {
      const g = d.s.group;
      for (const t of d.held) if (!d.s.held.has(t)) events.push(eventOf('failover.down', g, t, health.get(hkey(g, t))));
      for (const t of d.s.held) if (!d.held.has(t)) events.push(eventOf('failover.up', g, t, health.get(hkey(g, t))));
      for (const t of d.atMinimum) if (!d.s.atMinimum.has(t)) events.push(eventOf('failover.held', g, t, health.get(hkey(g, t))));
      if (d.suspect && !d.s.suspect) events.push(eventOf('failover.suspect', g, '*', undefined, at));
      Object.assign(d.s, { held: d.held, suspect: d.suspect, atMinimum: d.atMinimum });
    }
    await Promise.all(events.map((e) => {
      const g = groups.get(String(e.details.recordSet));
      return opts.sink?.send(e, g?.group.policy.notify ?? []);
    }));
    const report = { probed: jobs.length, actions, writes, events };
    opts.onRound?.(report);
    return report;
  }

  const running = (async () => {
    while (!stopped) {
      try {
        await round();
      } catch (err) {
        opts.onError?.(`failover: round failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (stopped) break;
      const next = Math.min(...[...groups.values()].map((s) => s.nextDue), clock.now() + 60_000);
      await Promise.race([clock.sleep(Math.max(0, next - clock.now())), new Promise<void>((r) => (wake = r))]);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
    status() {
      const out: TargetStatus[] = [];
      for (const s of groups.values()) {
        for (const t of s.group.targets) {
          const h = health.get(hkey(s.group, t.name));
          const address = targetAddress(s.group, t, book);
          out.push({
            key: s.group.key, fqdn: s.group.fqdn, type: s.group.type, target: t.name, ...(address && { address }),
            health: h?.health ?? 'unknown', since: new Date(h?.since ?? clock.now()).toISOString(), inDns: address !== undefined && !s.held.has(t.name),
            probes: h?.probes ?? 0, ...(h?.lastWhy && h.health === 'down' && { lastWhy: h.lastWhy }),
          });
        }
      }
      return out;
    },
    heldDown() {
      return new Map([...groups.values()].filter((s) => s.held.size).map((s) => [s.group.key, new Set(s.held)]));
    },
    setManifests(m) {
      manifests = m;
      rebuild();
      writer.invalidate();
    },
  };
}

/** An event for one transition; its idempotency key names the transition, never volatile values. */
function eventOf(name: FailoverEventName, g: FailoverGroup, target: string, h: TargetHealth | undefined, at = h?.since ?? 0): NotifyEvent {
  const what = {
    'failover.down': `${target} failed ${g.policy.check.unhealthyThreshold} checks in a row: its record is removed`,
    'failover.up': `${target} passed ${g.policy.check.healthyThreshold} checks in a row: its record is back`,
    'failover.held': `${target} is down but kept: the record set is at minHealthy (${g.policy.minHealthy})`,
    'failover.suspect': 'every target failed at once: the prober is suspect, nothing is removed',
  }[name];
  const since = new Date(at).toISOString();
  return {
    event: name, resource: `DNSZone/${g.zone}`, message: `[DNSZone/${g.zone}] ${g.fqdn} ${g.type}: ${what}${h?.lastWhy && name !== 'failover.up' ? ` (last: ${h.lastWhy})` : ''}`, at: since,
    details: {
      recordSet: g.key, fqdn: g.fqdn, type: g.type, target, since,
      idempotencyKey: createHash('sha256').update(`${g.key}/${target}/${name}/${since}`).digest('hex').slice(0, 32),
    },
  };
}
