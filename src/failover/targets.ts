/**
 * Which record sets the failover loop watches, and the targets of each: every A/AAAA record set
 * with a failover policy, its targets by server name, label selector, or literal value. Pure.
 */
import type { LiveServer } from '../model/live.ts';
import { parseServerTags } from '../model/ownership.ts';
import type { DnsRecordSpec, FailoverPolicy, Manifests } from '../model/types.ts';

/** A declared target: a server by name (address from the provider), or a literal address. */
export interface FailoverTargetRef {
  /** The server's manifest name, or the literal address itself. */
  name: string;
  server: boolean;
}

/** One watched record set. */
export interface FailoverGroup {
  /** `ZONEDOC/FQDN/TYPE`: the key of `HeldDown` (see desired.ts). */
  key: string;
  /** The DNSZone document's name. */
  zone: string;
  fqdn: string;
  type: 'A' | 'AAAA';
  record: DnsRecordSpec;
  policy: FailoverPolicy;
  targets: FailoverTargetRef[];
}

/** A server's live addresses by manifest name; undefined while it has none. */
export type AddressBook = (server: string) => { ipv4?: string; ipv6?: string } | undefined;

export function failoverKey(zone: string, fqdn: string, type: string): string {
  return `${zone}/${fqdn}/${type}`;
}

/** The targets a record spec names, in manifest order. */
export function recordTargets(manifests: Manifests, rec: DnsRecordSpec): FailoverTargetRef[] {
  const src = rec.source;
  if ('values' in src) return src.values.map((v) => ({ name: v, server: false }));
  if ('servers' in src) return src.servers.map((name) => ({ name, server: true }));
  const want = Object.entries(src.serverSelector.matchLabels);
  return [...manifests.servers.values()]
    .filter((s) => want.every(([k, v]) => s.metadata.labels[k] === v))
    .map((s) => ({ name: s.metadata.name, server: true }));
}

/** Every record set with a failover policy. */
export function failoverGroups(manifests: Manifests): FailoverGroup[] {
  const out: FailoverGroup[] = [];
  for (const zone of manifests.dnsZones.values()) {
    for (const rec of zone.spec.records) {
      if (!rec.failover || (rec.type !== 'A' && rec.type !== 'AAAA')) continue;
      out.push({
        key: failoverKey(zone.metadata.name, rec.fqdn, rec.type), zone: zone.metadata.name, fqdn: rec.fqdn, type: rec.type,
        record: rec, policy: rec.failover, targets: recordTargets(manifests, rec),
      });
    }
  }
  return out;
}

/** The address a target is probed at and its record holds; undefined while it has none. */
export function targetAddress(group: FailoverGroup, t: FailoverTargetRef, book: AddressBook): string | undefined {
  if (!t.server) return t.name;
  const a = book(t.name);
  return group.type === 'AAAA' ? a?.ipv6 : a?.ipv4;
}

/** An address book over live servers: this owner's, by the manifest name in their tags (newest wins). */
export function addressBookOf(servers: readonly LiveServer[], owner: string): AddressBook {
  const byName = new Map<string, LiveServer>();
  for (const s of servers) {
    const o = s.ownership ?? parseServerTags(s.tags).marks?.ownership;
    if (!o || o.owner !== owner || !s.ipv4) continue;
    const prev = byName.get(o.name);
    // During a rebuild two servers carry the name: the newer one is the one DNS follows.
    if (!prev || prev.createdAt < s.createdAt) byName.set(o.name, s);
  }
  return (name) => {
    const s = byName.get(name);
    return s && { ...(s.ipv4 && { ipv4: s.ipv4 }), ...(s.ipv6 && { ipv6: s.ipv6 }) };
  };
}
