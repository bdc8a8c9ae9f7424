/**
 * Mapping between Cloudflare records and keelson's live model: names and name-like contents lowercase
 * without a trailing dot, TTL 1 = 'auto', IPv6 canonical, proxied defaulting to false, keelson's
 * marker split off the comment.
 */
import type { LiveRecord, LiveZone, ZonePlan } from '../../model/live.ts';
import { parseRecordOwnership } from '../../model/ownership.ts';
import type { RecordInput } from '../types.ts';
import { canonicalIpv6, normalizeName } from '../../model/normalize.ts';
import type { CfDnsRecord, CfRecordBody, CfZone } from './client.ts';

const NAME_LIKE = new Set(['CNAME', 'MX', 'NS', 'PTR']);

/** Content in the form keelson compares (both for live records and for what it is about to write). */
export function normalizeContent(type: string, content: string): string {
  if (type === 'AAAA') {
    try {
      return canonicalIpv6(content);
    } catch {
      return content;
    }
  }
  if (NAME_LIKE.has(type)) return normalizeName(content);
  return content;
}

export function zonePlan(z: CfZone): ZonePlan {
  const id = (z.plan?.legacy_id ?? z.plan?.name ?? 'free').toLowerCase();
  if (id.includes('enterprise')) return 'enterprise';
  if (id.includes('business')) return 'business';
  if (id.includes('pro')) return 'pro';
  return 'free';
}

export function toLiveZone(z: CfZone): LiveZone {
  return { provider: 'cloudflare', id: z.id, name: normalizeName(z.name), plan: zonePlan(z) };
}

export function toLiveRecord(r: CfDnsRecord, zoneId: string): LiveRecord {
  const tags = [...(r.tags ?? [])].sort();
  const { text, ownership } = parseRecordOwnership(r.comment ?? undefined, tags);
  const rec: LiveRecord = {
    provider: 'cloudflare',
    id: r.id,
    zoneId,
    fqdn: normalizeName(r.name),
    type: r.type,
    content: normalizeContent(r.type, r.content),
    ttl: r.ttl === 1 ? 'auto' : r.ttl,
    proxied: r.proxied ?? false,
    tags,
  };
  if (r.priority !== undefined && r.priority !== null) rec.priority = r.priority;
  if (text) rec.comment = text;
  if (ownership) rec.ownership = ownership;
  return rec;
}

export function toRecordBody(input: RecordInput, id?: string): CfRecordBody {
  const body: CfRecordBody = {
    name: input.fqdn,
    type: input.type,
    content: input.content,
    ttl: input.ttl === 'auto' ? 1 : input.ttl,
    proxied: input.proxied,
  };
  if (id) body.id = id;
  if (input.priority !== undefined) body.priority = input.priority;
  if (input.comment !== undefined) body.comment = input.comment;
  if (input.tags?.length) body.tags = [...input.tags];
  return body;
}

/** Whether a live record already says what `input` wants (used to resolve an ambiguous batch). */
export function recordMatches(input: RecordInput, r: CfDnsRecord): boolean {
  return (
    normalizeName(r.name) === normalizeName(input.fqdn) &&
    r.type === input.type &&
    normalizeContent(r.type, r.content) === normalizeContent(input.type, input.content) &&
    (r.ttl === 1 ? 'auto' : r.ttl) === input.ttl &&
    (r.proxied ?? false) === input.proxied &&
    (r.comment ?? '') === (input.comment ?? '') &&
    (r.priority ?? undefined) === input.priority
  );
}
