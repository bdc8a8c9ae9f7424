/**
 * Step (d) of a rebuild and the DNS part of a destroy: the records that follow a server's address.
 * Which names follow a server comes from the manifests (its own `dns`, zone records that name it or
 * select it); which live records to touch is decided by content alone (an owned A/AAAA record whose
 * value is the old address), so a rerun after a partial flip moves only what still points at the old server.
 */
import type { LiveRecord, LiveZone } from '../model/live.ts';
import { formatRecordComment, FREE_COMMENT_LIMIT, isOwnedBy, PAID_COMMENT_LIMIT } from '../model/ownership.ts';
import type { DnsRecordSpec, Manifests, ServerDoc } from '../model/types.ts';
import type { DnsProvider, RecordInput } from '../providers/types.ts';

/** Cloudflare's automatic TTL, in seconds, for drain purposes. */
const AUTO_TTL_SECONDS = 300;

export interface FollowingRecords {
  /** Zone names (DNSZone spec.zone) that hold records following the server. */
  zones: Set<string>;
  records: DnsRecordSpec[];
}

function follows(rec: DnsRecordSpec, doc: ServerDoc): boolean {
  if (rec.type !== 'A' && rec.type !== 'AAAA') return false;
  const name = doc.metadata.name;
  if (rec.declaredBy.kind === 'Server' && rec.declaredBy.name === name) return true;
  if ('servers' in rec.source) return rec.source.servers.includes(name);
  if ('serverSelector' in rec.source) {
    return Object.entries(rec.source.serverSelector.matchLabels).every(([k, v]) => doc.metadata.labels[k] === v);
  }
  return false;
}

/** The declared records whose values follow `doc`'s address. Pure. */
export function recordsFollowing(manifests: Manifests, doc: ServerDoc): FollowingRecords {
  const zones = new Set<string>();
  const records: DnsRecordSpec[] = [];
  for (const z of manifests.dnsZones.values()) {
    for (const r of z.spec.records) {
      if (!follows(r, doc)) continue;
      zones.add(z.spec.zone);
      records.push(r);
    }
  }
  return { zones, records };
}

/** How long resolvers may keep answering with the old address: the longest TTL among the records, in ms. */
export function longestTtlMs(records: readonly DnsRecordSpec[]): number {
  const secs = records.map((r) => (r.ttl === 'auto' ? AUTO_TTL_SECONDS : r.ttl));
  return secs.length ? Math.max(...secs) * 1000 : 0;
}

/** A live record written back as it is, with a new value. Keeps keelson's marker in the comment. */
export function rewriteInput(rec: LiveRecord, zone: LiveZone, content: string): RecordInput {
  const limit = zone.plan === 'free' ? FREE_COMMENT_LIMIT : PAID_COMMENT_LIMIT;
  const input: RecordInput = {
    fqdn: rec.fqdn,
    type: rec.type,
    content,
    ttl: rec.ttl,
    proxied: rec.proxied,
    comment: rec.ownership ? formatRecordComment(rec.comment, rec.ownership, limit) : rec.comment,
    tags: rec.tags,
  };
  if (rec.priority !== undefined) input.priority = rec.priority;
  return input;
}

export interface Addresses {
  ipv4?: string;
  ipv6?: string;
}

/** The owned A/AAAA records in `records` whose value is one of `from`'s addresses. Pure. */
export function pointingAt(records: readonly LiveRecord[], owner: string, from: Addresses): LiveRecord[] {
  return records.filter(
    (r) => isOwnedBy(r.ownership, owner) && ((r.type === 'A' && r.content === from.ipv4) || (r.type === 'AAAA' && from.ipv6 !== undefined && r.content === from.ipv6)),
  );
}

export interface ZoneRecords {
  zone: LiveZone;
  records: LiveRecord[];
}

/** Lists the records of the named zones (those keelson can see). Read-only. */
export async function readZones(dns: DnsProvider, zoneNames: Set<string>): Promise<ZoneRecords[]> {
  if (zoneNames.size === 0) return [];
  const zones = (await dns.listZones()).filter((z) => zoneNames.has(z.name));
  return Promise.all(zones.map(async (zone) => ({ zone, records: await dns.listRecords(zone) })));
}

/**
 * Moves every owned record that points at `from` to `to`, one all-or-nothing batch per zone (in-place
 * updates, so the name never goes without an address). Records already moved are left alone; safe to
 * repeat. An AAAA record is moved only when the new server has IPv6. Returns how many records moved.
 */
export async function flipRecords(dns: DnsProvider, owner: string, zones: ZoneRecords[], from: Addresses, to: Addresses): Promise<number> {
  let moved = 0;
  for (const { zone, records } of zones) {
    const updates = pointingAt(records, owner, from).flatMap((r) => {
      const content = r.type === 'A' ? to.ipv4 : to.ipv6;
      return content ? [{ id: r.id, record: rewriteInput(r, zone, content) }] : [];
    });
    if (updates.length === 0) continue;
    await dns.applyRecordChanges(zone, { deletes: [], updates, creates: [] });
    moved += updates.length;
  }
  return moved;
}
