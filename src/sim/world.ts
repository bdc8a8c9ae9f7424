import type {
  ForeignRef, SimInstance, SimRecord, SimReservedIp, SimSnapshot, SimZone, VultrAccount, VultrOs, VultrPlan, VultrRegion,
  VultrSshKey, VultrStartupScript, WorldData,
} from './types.ts';
import { allocateIpv4, allocateLoopbackIpv4, ipv6For, loopbackStart } from './ip-pool.ts';
import { PageCache } from './page-cache.ts';
import { RevisionMap } from './revision-map.ts';

/**
 * The simulated world in memory: catalogues as arrays (never changed after construction),
 * resources in insertion-ordered RevisionMaps. Instances and DNS records are replaced (never
 * mutated) on change, so their cached JSON views, keyed by object identity, never go stale; any
 * map change bumps `revision`, which keys the cached list pages in `pages`.
 */
export class World {
  /** Bumped on every change to a resource map; cached responses are only valid at their revision. */
  revision = 0;
  /** Serialized list responses of this world (see PageCache). */
  readonly pages = new PageCache();
  account: VultrAccount;
  regions: VultrRegion[];
  plans: VultrPlan[];
  availability: Record<string, string[]>;
  os: VultrOs[];
  sshKeys: Map<string, VultrSshKey>;
  startupScripts: Map<string, VultrStartupScript>;
  instances: Map<string, SimInstance>;
  snapshots: Map<string, SimSnapshot>;
  reservedIps: Map<string, SimReservedIp>;
  zones: Map<string, SimZone>;
  /** Records per zone id; read-only here so a zone's set is only swapped via `replaceZoneRecords`. */
  readonly records: ReadonlyMap<string, RevisionMap<string, SimRecord>>;
  private readonly zoneSets: RevisionMap<string, RevisionMap<string, SimRecord>>;
  foreign: Map<string, ForeignRef>;
  ipCursor: number;
  /** Set in reachable mode: IPv4s then come from 127.0.0.0/8 (see ip-pool.ts), from this cursor. */
  private loopbackCursor: number | undefined;

  /** `loopback`: hand out (and give seeded instances) loopback IPv4s instead of documentation ones. */
  constructor(data: WorldData, opts: { loopback?: boolean } = {}) {
    const d = structuredClone(data);
    this.account = d.vultr.account;
    this.regions = d.vultr.regions;
    this.plans = d.vultr.plans;
    this.availability = d.vultr.availability;
    this.os = d.vultr.os;
    this.sshKeys = this.byId(d.vultr.sshKeys);
    this.startupScripts = this.byId(d.vultr.startupScripts);
    this.instances = this.byId(d.vultr.instances);
    this.snapshots = this.byId(d.vultr.snapshots);
    this.reservedIps = this.byId(d.vultr.reservedIps);
    this.zones = this.byId(d.cloudflare.zones);
    this.zoneSets = this.map([...this.zones.keys()].map((id) => [id, this.map<string, SimRecord>()] as const));
    this.records = this.zoneSets;
    for (const r of d.cloudflare.records) this.zoneRecords(r.zone_id)?.set(r.id, r);
    this.foreign = new Map(d.foreign.map((f) => [foreignKey(f), f]));
    this.ipCursor = d.ipCursor;
    if (opts.loopback) {
      this.loopbackCursor = loopbackStart();
      // A seed written for the default mode gives documentation addresses: reachable servers need loopback
      // ones, and the seed's A records that pointed at a server follow it to its new address.
      const moved = new Map<string, string>();
      for (const inst of [...this.instances.values()]) {
        if (inst.ip.startsWith('127.')) continue;
        const ip = this.allocateIpv4();
        moved.set(inst.ip, ip);
        this.instances.set(inst.id, { ...inst, ip });
      }
      for (const set of this.records.values()) {
        for (const r of [...set.values()]) {
          const to = r.type === 'A' ? moved.get(r.content) : undefined;
          if (to) set.set(r.id, { ...r, content: to });
        }
      }
    }
  }

  private map<K, V>(entries?: Iterable<readonly [K, V]>): RevisionMap<K, V> {
    return new RevisionMap<K, V>(() => this.revision++, entries);
  }

  private byId<T extends { id: string }>(items: T[]): RevisionMap<string, T> {
    return this.map(items.map((i) => [i.id, i] as const));
  }

  zoneRecords(zoneId: string): RevisionMap<string, SimRecord> | undefined {
    return this.records.get(zoneId);
  }

  /** Swaps a zone's whole record set (the batch endpoint's all-or-nothing commit). */
  replaceZoneRecords(zoneId: string, records: Map<string, SimRecord>): void {
    this.zoneSets.set(zoneId, this.map(records));
  }

  isForeign(ref: ForeignRef): boolean {
    return this.foreign.has(foreignKey(ref));
  }

  /** A fresh IPv4 not used by any instance or reserved IP. */
  allocateIpv4(): string {
    const inUse = new Set<string>();
    for (const i of this.instances.values()) inUse.add(i.ip);
    for (const r of this.reservedIps.values()) if (r.ip_type === 'v4') inUse.add(r.subnet);
    if (this.loopbackCursor !== undefined) {
      const next = allocateLoopbackIpv4(this.loopbackCursor, inUse);
      this.loopbackCursor = next.cursor;
      return next.ip;
    }
    const { ip, cursor } = allocateIpv4(this.ipCursor, inUse);
    this.ipCursor = cursor;
    return ip;
  }

  /** A fresh IPv6 /64 and address not used by any instance. */
  allocateIpv6(): { network: string; ip: string } {
    const used = new Set([...this.instances.values()].map((i) => i.v6_network));
    for (let n = this.ipCursor; ; n++) {
      const v6 = ipv6For(n);
      if (!used.has(v6.network)) return v6;
    }
  }

  /** Plain JSON copy of the whole world (seed/state/dump shape). */
  toData(clock?: number): WorldData {
    const records: SimRecord[] = [];
    for (const m of this.records.values()) records.push(...m.values());
    return structuredClone({
      version: 1 as const,
      ...(clock === undefined ? {} : { clock }),
      vultr: {
        account: this.account, regions: this.regions, plans: this.plans, availability: this.availability, os: this.os,
        sshKeys: [...this.sshKeys.values()], startupScripts: [...this.startupScripts.values()],
        instances: [...this.instances.values()], snapshots: [...this.snapshots.values()], reservedIps: [...this.reservedIps.values()],
      },
      cloudflare: { zones: [...this.zones.values()], records },
      foreign: [...this.foreign.values()],
      ipCursor: this.ipCursor,
    });
  }
}

export function foreignKey(ref: ForeignRef): string {
  return `${ref.kind}:${ref.id}`;
}
