import type {
  ForeignRef, SimInstance, SimRecord, SimReservedIp, SimSnapshot, SimZone, VultrAccount, VultrOs, VultrPlan, VultrRegion,
  VultrSshKey, VultrStartupScript, WorldData,
} from './types.ts';
import { allocateIpv4, ipv6For } from './ip-pool.ts';

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

/**
 * The simulated world in memory: catalogues as arrays, resources in insertion-ordered maps.
 * Instances and DNS records are replaced (never mutated) on change, so their cached JSON views,
 * keyed by object identity, never go stale.
 */
export class World {
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
  /** Records per zone id. */
  records: Map<string, Map<string, SimRecord>>;
  foreign: Map<string, ForeignRef>;
  ipCursor: number;
  /** Bumped on every DNS record change; keys the sorted-list cache. */
  recordsVersion = 0;

  constructor(data: WorldData) {
    const d = structuredClone(data);
    this.account = d.vultr.account;
    this.regions = d.vultr.regions;
    this.plans = d.vultr.plans;
    this.availability = d.vultr.availability;
    this.os = d.vultr.os;
    this.sshKeys = byId(d.vultr.sshKeys);
    this.startupScripts = byId(d.vultr.startupScripts);
    this.instances = byId(d.vultr.instances);
    this.snapshots = byId(d.vultr.snapshots);
    this.reservedIps = byId(d.vultr.reservedIps);
    this.zones = byId(d.cloudflare.zones);
    this.records = new Map([...this.zones.keys()].map((id) => [id, new Map<string, SimRecord>()]));
    for (const r of d.cloudflare.records) this.zoneRecords(r.zone_id)?.set(r.id, r);
    this.foreign = new Map(d.foreign.map((f) => [foreignKey(f), f]));
    this.ipCursor = d.ipCursor;
  }

  zoneRecords(zoneId: string): Map<string, SimRecord> | undefined {
    return this.records.get(zoneId);
  }

  isForeign(ref: ForeignRef): boolean {
    return this.foreign.has(foreignKey(ref));
  }

  /** A fresh IPv4 not used by any instance or reserved IP. */
  allocateIpv4(): string {
    const inUse = new Set<string>();
    for (const i of this.instances.values()) inUse.add(i.ip);
    for (const r of this.reservedIps.values()) if (r.ip_type === 'v4') inUse.add(r.subnet);
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
