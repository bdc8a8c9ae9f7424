/** In-memory builders for planner tests: desired manifests and live state with sensible defaults. */
import { formatNameMarker, formatRecordComment, formatServerTags, formatSnapshotDescription } from '../../src/model/ownership.ts';
import type { LiveCatalog, LiveRecord, LiveServer, LiveSnapshot, LiveState, LiveZone } from '../../src/model/live.ts';
import type { DnsRecordSpec, DnsZoneDoc, Manifests, RecordSource, ServerDoc, ServerSpec, SnapshotDoc, SshKeyDoc, StartupScriptDoc } from '../../src/model/types.ts';
import { scriptDigest } from '../../src/plan/keys.ts';
import { serverCreateHash } from '../../src/plan/server-request.ts';

export const OWNER = 'acme';

export type ServerInput = Partial<ServerSpec> & { labels?: Record<string, string>; line?: number };

export function server(name: string, input: ServerInput = {}): ServerDoc {
  const { labels, line, ...spec } = input;
  return {
    kind: 'Server',
    metadata: { name, labels: labels ?? {}, annotations: {} },
    spec: {
      provider: 'vultr', region: 'ewr', plan: 'vc2-1c-1gb', image: { os: 'Ubuntu 24.04 LTS x64' }, sshKeys: ['deploy'],
      enableIpv6: false, tags: [], protect: false, dns: [], destroyHooks: [], ...spec,
    },
    source: { file: 'manifests/servers.yaml', line: line ?? 1, col: 1 },
  };
}

export function snapshot(name: string, fromServer: string, extra: Partial<SnapshotDoc['spec']> = {}): SnapshotDoc {
  return {
    kind: 'Snapshot', metadata: { name, labels: {}, annotations: {} },
    spec: { provider: 'vultr', fromServer, keep: 1, protect: false, ...extra },
    source: { file: 'manifests/snapshots.yaml', line: 1, col: 1 },
  };
}

export type RecordInput = { name: string; type?: DnsRecordSpec['type']; ttl?: DnsRecordSpec['ttl']; proxied?: boolean; priority?: number; comment?: string } &
  ({ values: string[] } | { servers: string[] } | { serverSelector: { matchLabels: Record<string, string> } });

export function zone(name: string, domain: string, records: RecordInput[] = []): DnsZoneDoc {
  return {
    kind: 'DNSZone', metadata: { name, labels: {}, annotations: {} },
    spec: {
      provider: 'cloudflare', zone: domain, defaultTtl: 'auto',
      records: records.map((r, i) => {
        const source: RecordSource = 'values' in r ? { values: r.values } : 'servers' in r ? { servers: r.servers } : { serverSelector: r.serverSelector };
        // Full names are passed through raw (case, trailing dot) so the planner's normalization is exercised.
        const full = r.name.toLowerCase().replace(/\.$/, '').endsWith(domain);
        const fqdn = r.name === '@' ? domain : full ? r.name : `${r.name}.${domain}`;
        return {
          fqdn, name: r.name, type: r.type ?? 'A', ttl: r.ttl ?? 'auto', proxied: r.proxied ?? false, source,
          ...(r.priority === undefined ? {} : { priority: r.priority }), ...(r.comment === undefined ? {} : { comment: r.comment }),
          declaredBy: { kind: 'DNSZone' as const, name, path: `/spec/records/${i}` },
        };
      }),
    },
    source: { file: 'manifests/dns.yaml', line: 1, col: 1 },
  };
}

/** A declared SSHKey; the key text defaults to one derived from the name. */
export function sshKey(name: string, publicKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${name} ${name}@example`): SshKeyDoc {
  return { kind: 'SSHKey', metadata: { name, labels: {}, annotations: {} }, spec: { provider: 'vultr', publicKey }, source: { file: 'manifests/keys.yaml', line: 1, col: 1 } };
}

export function startupScript(name: string, script = `#!/bin/sh\necho ${name}\n`, type: 'boot' | 'pxe' = 'boot'): StartupScriptDoc {
  return { kind: 'StartupScript', metadata: { name, labels: {}, annotations: {} }, spec: { provider: 'vultr', type, script }, source: { file: 'manifests/keys.yaml', line: 2, col: 1 } };
}

export function manifests(docs: { servers?: ServerDoc[]; snapshots?: SnapshotDoc[]; zones?: DnsZoneDoc[]; sshKeys?: SshKeyDoc[]; scripts?: StartupScriptDoc[] } = {}): Manifests {
  const byName = <D extends { metadata: { name: string } }>(list: D[] = []): Map<string, D> => new Map(list.map((d) => [d.metadata.name, d]));
  return {
    servers: byName(docs.servers), snapshots: byName(docs.snapshots), regionPools: new Map(), dnsZones: byName(docs.zones),
    deployments: new Map(), notifiers: new Map(), sshKeys: byName(docs.sshKeys), startupScripts: byName(docs.scripts),
  };
}

export const catalog = (): LiveCatalog => ({
  regions: [{ id: 'ewr', city: 'New Jersey', country: 'US' }, { id: 'ams', city: 'Amsterdam', country: 'NL' }, { id: 'fra', city: 'Frankfurt', country: 'DE' }],
  plans: new Map([['vc2-1c-1gb', new Set(['ewr', 'ams', 'fra'])], ['vc2-2c-4gb', new Set(['ewr', 'ams', 'fra'])], ['vhp-8c', new Set(['ewr'])]]),
  os: [{ id: 2284, name: 'Ubuntu 24.04 LTS x64' }, { id: 2136, name: 'Debian 12 x64 (bookworm)' }],
  sshKeys: [{ id: 'key-1', name: 'deploy' }, { id: 'key-2', name: 'ops' }],
  startupScripts: [{ id: 'script-1', name: 'bootstrap' }],
});

/** A live server that exactly matches `doc` (owned by OWNER unless `owner: null`). */
export function liveServer(doc: ServerDoc, over: Partial<LiveServer> & { owner?: string | null; successorOf?: string } = {}): LiveServer {
  const { owner = OWNER, successorOf, ...rest } = over;
  const name = doc.metadata.name;
  const createHash = serverCreateHash(doc);
  const ownership = owner ? { owner, name, ...(successorOf ? { successorOf } : {}) } : undefined;
  const os = 'os' in doc.spec.image ? catalog().os.find((o) => o.name === (doc.spec.image as { os: string }).os) : undefined;
  const s: LiveServer = {
    provider: 'vultr', id: `srv-${name}`, label: name, hostname: doc.spec.hostname ?? name, region: doc.spec.region, plan: doc.spec.plan,
    osName: os?.name ?? 'Snapshot', osId: os?.id ?? 164,
    tags: [...doc.spec.tags, ...(ownership ? formatServerTags({ ownership, createHash, protect: doc.spec.protect }) : [])].sort(),
    status: 'active', power: 'running', install: 'ok', ipv4: '192.0.2.10', createdAt: '2025-01-01T00:00:00Z',
    ...(ownership ? { createHash, ownership } : {}), ...rest,
  };
  if (doc.spec.enableIpv6 && !('ipv6' in rest)) s.ipv6 = '2001:db8::10';
  return s;
}

export function liveSnapshot(name: string, over: Partial<LiveSnapshot> & { owner?: string | null } = {}): LiveSnapshot {
  const { owner = OWNER, ...rest } = over;
  const ownership = owner ? { owner, name } : undefined;
  return {
    provider: 'vultr', id: `snap-${name}`, description: ownership ? formatSnapshotDescription(undefined, ownership) : name,
    status: 'complete', sizeBytes: 1000, createdAt: '2025-01-01T00:00:00Z', ...(ownership ? { ownership } : {}), ...rest,
  };
}

export function liveZone(name: string, over: Partial<LiveZone> = {}): LiveZone {
  return { provider: 'cloudflare', id: `zone-${name}`, name, plan: 'free', ...over };
}

let recordSeq = 0;
/** A live record in zone `domain`; owned by OWNER via the comment marker unless `owner: null`. */
export function liveRecord(domain: string, fqdn: string, type: string, content: string, over: Partial<LiveRecord> & { owner?: string | null; zoneName?: string } = {}): LiveRecord {
  const { owner = OWNER, zoneName = 'example-com', ...rest } = over;
  const ownership = owner ? { owner, name: zoneName } : undefined;
  return {
    provider: 'cloudflare', id: `rec-${++recordSeq}`, zoneId: `zone-${domain}`, fqdn, type, content, ttl: 'auto', proxied: false,
    comment: '', tags: [], ...(ownership ? { ownership } : {}), ...rest,
  };
}

/** The raw Cloudflare-style comment for an owned record (marker included), for tests of parsing. */
export const ownedComment = (user = ''): string => formatRecordComment(user, { owner: OWNER, name: 'example-com' });

export function live(parts: Partial<Omit<LiveState, 'catalog' | 'observedAt'>> = {}): LiveState {
  return { servers: [], snapshots: [], zones: [liveZone('example.com')], records: [], catalog: catalog(), observedAt: '2025-06-01T12:00:00Z', ...parts };
}

/** A live ssh key exactly as keelson writes `doc` (owned by OWNER unless `owner` says otherwise). */
export function liveSshKey(doc: SshKeyDoc, over: Partial<LiveCatalog['sshKeys'][number]> & { owner?: string } = {}): LiveCatalog['sshKeys'][number] {
  const { owner = OWNER, ...rest } = over;
  return { id: `key-${doc.metadata.name}`, name: formatNameMarker({ owner, name: doc.metadata.name }), publicKey: doc.spec.publicKey, ...rest };
}

export function liveScript(doc: StartupScriptDoc, over: Partial<LiveCatalog['startupScripts'][number]> & { owner?: string } = {}): LiveCatalog['startupScripts'][number] {
  const { owner = OWNER, ...rest } = over;
  return { id: `script-${doc.metadata.name}`, name: formatNameMarker({ owner, name: doc.metadata.name }, scriptDigest(doc.spec.script)), type: doc.spec.type, ...rest };
}

/** `base` with extra ssh keys and startup scripts in its catalog. */
export function withKeys(base: LiveState, extra: { sshKeys?: LiveCatalog['sshKeys']; scripts?: LiveCatalog['startupScripts'] }): LiveState {
  return {
    ...base,
    catalog: { ...base.catalog, sshKeys: [...base.catalog.sshKeys, ...(extra.sshKeys ?? [])], startupScripts: [...base.catalog.startupScripts, ...(extra.scripts ?? [])] },
  };
}
