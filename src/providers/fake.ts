/**
 * An in-memory provider pair implementing the same contract as Vultr and Cloudflare, for unit tests
 * of observe and apply and for the contract suite (which runs against this and the simulator alike).
 * Servers install after `installPolls` looks at them (gets or listings); writes are counted; `failNext` scripts faults.
 */
import { randomUUID } from 'node:crypto';
import type { LiveCatalog, LiveRecord, LiveServer, LiveSnapshot, LiveZone } from '../model/live.ts';
import { RECORD_MARK_SEARCH, parseServerTags, parseSnapshotDescription, parseRecordOwnership } from '../model/ownership.ts';
import { ProviderError } from '../errors.ts';
import type { ComputeProvider, DnsProvider, Providers, RecordInput, ServerCreateInput } from './types.ts';

export interface FakeWorld {
  servers: LiveServer[];
  snapshots: LiveSnapshot[];
  zones: LiveZone[];
  records: LiveRecord[];
  catalog: LiveCatalog;
  /** Write calls made, by method name. */
  writes: Record<string, number>;
  /** Faults for the next calls of a method: 'ambiguous' applies the call, then fails as a dropped connection. */
  failNext: Record<string, ('error' | 'ambiguous')[]>;
  /** Polls of `getServer` before a new server reports installed. */
  installPolls: number;
}

/** What Cloudflare's marked-records search returns: a marker in the comment (here also kept as `ownership`), or the owner tag. */
function isMarked(r: LiveRecord): boolean {
  return r.ownership !== undefined || (r.comment ?? '').toLowerCase().includes(RECORD_MARK_SEARCH.commentContains)
    || r.tags.some((t) => t.startsWith(`${RECORD_MARK_SEARCH.tagPresent}:`));
}

export function emptyFakeWorld(): FakeWorld {
  return {
    servers: [],
    snapshots: [],
    zones: [],
    records: [],
    catalog: { regions: [{ id: 'ewr', city: 'New Jersey', country: 'US' }], plans: new Map([['vc2-1c-1gb', new Set(['ewr'])]]), os: [{ id: 2284, name: 'Ubuntu 24.04 LTS x64' }], sshKeys: [], startupScripts: [] },
    writes: {},
    failNext: {},
    installPolls: 1,
  };
}

let ipCounter = 10;

/** A create of a name-only object that, like the Vultr provider's, returns the one already there under that name. */
function findOrAdd<T extends { id: string; name: string }>(list: T[], name: string, make: (id: string) => T): { id: string; name: string } {
  const item = list.find((x) => x.name === name) ?? make(randomUUID());
  if (!list.includes(item)) list.push(item);
  return { id: item.id, name };
}

export function createFakeProviders(world: FakeWorld): Providers {
  const polls = new Map<string, number>();

  async function write<T>(method: string, fn: () => T): Promise<T> {
    world.writes[method] = (world.writes[method] ?? 0) + 1;
    const fault = world.failNext[method]?.shift();
    if (fault === 'error') throw new ProviderError('vultr', method, '503 injected', { reason: 'server', status: 503, retryable: true });
    const out = fn();
    if (fault === 'ambiguous') throw new ProviderError('vultr', method, 'connection reset after send', { reason: 'connection', retryable: true });
    return out;
  }

  /** A look at a server (a get, or a listing) moves its install on, as time would. */
  function poll(s: LiveServer): LiveServer {
    const n = (polls.get(s.id) ?? 0) + 1;
    polls.set(s.id, n);
    if (n >= world.installPolls && s.status === 'pending') Object.assign(s, { status: 'active', power: 'running', install: 'ok', ipv4: `192.0.2.${ipCounter++}` });
    return { ...s };
  }

  const compute: ComputeProvider = {
    name: 'vultr',
    listServers: async () => world.servers.map(poll),
    listServersByTag: async (tag) => world.servers.filter((s) => s.tags.includes(tag)).map((s) => ({ ...s })),
    async getServer(id) {
      const s = world.servers.find((x) => x.id === id);
      return s ? poll(s) : undefined;
    },
    async createServer(input: ServerCreateInput) {
      const existing = world.servers.find((s) => s.tags.includes(input.opTag));
      if (existing) return { ...existing };
      try {
        return await write('createServer', () => addServer(world, input));
      } catch (err) {
        const made = world.servers.find((s) => s.tags.includes(input.opTag));
        if (made && err instanceof ProviderError && err.retryable) return { ...made };
        throw err;
      }
    },
    updateServer: (id, patch) =>
      write('updateServer', () => {
        const s = mustFind(world.servers, id);
        if (patch.label !== undefined) s.label = patch.label;
        if (patch.plan !== undefined) s.plan = patch.plan;
        if (patch.tags) {
          s.tags = [...patch.tags].sort();
          s.ownership = parseServerTags(s.tags).marks?.ownership;
        }
        return { ...s };
      }),
    deleteServer: (id) => write('deleteServer', () => void (world.servers = world.servers.filter((s) => s.id !== id))),
    listSnapshots: async () => world.snapshots.map((s) => ({ ...s })),
    createSnapshot: (serverId, description) =>
      write('createSnapshot', () => {
        mustFind(world.servers, serverId);
        const snap: LiveSnapshot = { provider: 'vultr', id: randomUUID(), description, status: 'complete', sizeBytes: 1, createdAt: new Date().toISOString() };
        const o = parseSnapshotDescription(description).ownership;
        if (o) snap.ownership = o;
        world.snapshots.push(snap);
        return { ...snap };
      }),
    updateSnapshot: (id, description) =>
      write('updateSnapshot', () => {
        const snap = mustFind(world.snapshots, id);
        snap.description = description;
        snap.ownership = parseSnapshotDescription(description).ownership;
      }),
    deleteSnapshot: (id) => write('deleteSnapshot', () => void (world.snapshots = world.snapshots.filter((s) => s.id !== id))),
    catalog: async () => world.catalog,
    createSshKey: (name, publicKey) => write('createSshKey', () => findOrAdd(world.catalog.sshKeys, name, (id) => ({ id, name, publicKey }))),
    updateSshKey: (id, patch) => write('updateSshKey', () => {
      world.catalog.sshKeys = world.catalog.sshKeys.map((k) => (k.id === id ? { ...k, ...patch } : k));
    }),
    deleteSshKey: (id) => write('deleteSshKey', () => void (world.catalog.sshKeys = world.catalog.sshKeys.filter((k) => k.id !== id))),
    createStartupScript: (name, _script, type) => write('createStartupScript', () => findOrAdd(world.catalog.startupScripts, name, (id) => ({ id, name, type }))),
    updateStartupScript: (id, patch) => write('updateStartupScript', () => {
      world.catalog.startupScripts = world.catalog.startupScripts.map((s) => (s.id === id ? { ...s, ...(patch.name ? { name: patch.name } : {}), ...(patch.type ? { type: patch.type } : {}) } : s));
    }),
    deleteStartupScript: (id) => write('deleteStartupScript', () => void (world.catalog.startupScripts = world.catalog.startupScripts.filter((s) => s.id !== id))),
    bandwidth: async () => ({}),
  };

  const dns: DnsProvider = {
    name: 'cloudflare',
    listZones: async () => world.zones.map((z) => ({ ...z })),
    listRecords: async (zone, filter) =>
      world.records.filter((r) => r.zoneId === zone.id && (!filter?.marked || isMarked(r))).map((r) => ({ ...r })),
    applyRecordChanges: (zone, changes) =>
      write('applyRecordChanges', () => {
        const gone = new Set(changes.deletes);
        world.records = world.records.filter((r) => !gone.has(r.id));
        const out: LiveRecord[] = [];
        for (const u of changes.updates) {
          const i = world.records.findIndex((r) => r.id === u.id);
          if (i < 0) throw new ProviderError('cloudflare', 'batch', '81044 Record does not exist.', { reason: 'missing', status: 404, retryable: false });
          world.records[i] = toRecord(u.record, zone.id, u.id);
          out.push(world.records[i]!);
        }
        for (const c of changes.creates) {
          const rec = toRecord(c, zone.id, randomUUID().replace(/-/g, ''));
          world.records.push(rec);
          out.push(rec);
        }
        return out;
      }),
  };
  return { compute, dns };
}

function mustFind<T extends { id: string }>(list: T[], id: string): T {
  const x = list.find((i) => i.id === id);
  if (!x) throw new ProviderError('vultr', 'find', `404 ${id} not found`, { reason: 'missing', status: 404, retryable: false });
  return x;
}

function addServer(world: FakeWorld, input: ServerCreateInput): LiveServer {
  const tags = [...input.tags].sort();
  const s: LiveServer = {
    provider: 'vultr',
    id: randomUUID(),
    label: input.label,
    hostname: input.hostname,
    region: input.region,
    plan: input.plan,
    osName: 'osId' in input.image ? (world.catalog.os.find((o) => 'osId' in input.image && o.id === input.image.osId)?.name ?? '') : 'Snapshot',
    osId: 'osId' in input.image ? input.image.osId : 164,
    tags,
    status: 'pending',
    power: 'running',
    install: 'none',
    createdAt: new Date().toISOString(),
  };
  const marks = parseServerTags(tags).marks;
  if (marks) s.ownership = marks.ownership;
  if (marks?.createHash) s.createHash = marks.createHash;
  world.servers.push(s);
  return { ...s };
}

function toRecord(input: RecordInput, zoneId: string, id: string): LiveRecord {
  const tags = [...(input.tags ?? [])].sort();
  const { text, ownership } = parseRecordOwnership(input.comment, tags);
  const rec: LiveRecord = { provider: 'cloudflare', id, zoneId, fqdn: input.fqdn, type: input.type, content: input.content, ttl: input.ttl, proxied: input.proxied, tags };
  if (input.priority !== undefined) rec.priority = input.priority;
  if (text) rec.comment = text;
  if (ownership) rec.ownership = ownership;
  return rec;
}
