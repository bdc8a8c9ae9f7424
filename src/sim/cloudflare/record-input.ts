import { isIPv4, isIPv6 } from 'node:net';
import type { SimRecord, SimZone } from '../types.ts';
import type { SimLimits } from '../settings.ts';
import { CF_ERRORS, CfFailure, type CfMessage } from './errors.ts';

/** Record types Cloudflare accepts (the spec's `dns-records_type`). */
export const RECORD_TYPES = [
  'A', 'AAAA', 'CAA', 'CERT', 'CNAME', 'DNSKEY', 'DS', 'HTTPS', 'LOC', 'MX', 'NAPTR', 'NS', 'OPENPGPKEY', 'PTR', 'SMIMEA', 'SRV',
  'SSHFP', 'SVCB', 'TLSA', 'TXT', 'URI',
] as const;

/** Types described by a `data` object rather than `content`. */
const DATA_TYPES = new Set(['CAA', 'CERT', 'DNSKEY', 'DS', 'HTTPS', 'LOC', 'NAPTR', 'SMIMEA', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'URI']);
const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)*[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.?$/;

function fail(error: CfMessage): never {
  throw new CfFailure(400, [error]);
}

/** Cloudflare stores FQDNs: `@` is the apex, names outside the zone get the zone appended. */
export function fqdn(name: string, zone: SimZone): string {
  const n = name.trim().replace(/\.$/, '').toLowerCase();
  if (n === '@' || n === '') return zone.name;
  return n === zone.name || n.endsWith(`.${zone.name}`) ? n : `${n}.${zone.name}`;
}

/** Fields a client may set on a record. */
export type RecordFields = Pick<SimRecord, 'name' | 'type' | 'content' | 'ttl' | 'proxied' | 'comment' | 'tags' | 'settings'> &
  Pick<SimRecord, 'priority' | 'data'>;

function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(CF_ERRORS.invalidJson);
  return body as Record<string, unknown>;
}

/**
 * Validates a POST/PUT body (`base` undefined) or a PATCH body merged onto `base`, against the
 * zone's plan limits. Returns the record's new fields; throws CfFailure (400) on the first problem.
 */
export function recordFields(body: unknown, zone: SimZone, limits: SimLimits, base?: RecordFields): RecordFields {
  const b = obj(body);
  const merged: Record<string, unknown> = { ...(base ?? {}), ...b };
  const type = merged.type;
  if (typeof type !== 'string' || !(RECORD_TYPES as readonly string[]).includes(type)) fail(CF_ERRORS.badType);
  if (typeof merged.name !== 'string' || merged.name.length < 1 || merged.name.length > 255) fail(CF_ERRORS.badName);
  const name = fqdn(merged.name, zone);
  if (!HOSTNAME.test(name.replace(/^\*\./, ''))) fail(CF_ERRORS.badName);
  const data = merged.data;
  let content = merged.content;
  if (DATA_TYPES.has(type) && (content === undefined || content === '') && typeof data === 'object' && data !== null) {
    content = Object.values(data).join(' ');
  }
  if (typeof content !== 'string' || content === '') fail(CF_ERRORS.badContent(type));
  checkContent(type, content);
  const ttl = merged.ttl ?? 1;
  if (typeof ttl !== 'number' || !(ttl === 1 || (Number.isInteger(ttl) && ttl >= 60 && ttl <= 86400))) fail(CF_ERRORS.badTtl);
  const proxied = merged.proxied ?? false;
  if (typeof proxied !== 'boolean') fail(CF_ERRORS.validation('proxied must be a boolean'));
  if (proxied && !PROXIABLE.has(type)) fail(CF_ERRORS.notProxiable);
  let priority: number | undefined;
  if (type === 'MX' || type === 'URI') {
    priority = merged.priority as number;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 65535) fail(CF_ERRORS.priorityRequired);
  }
  const plan = limits.zonePlans[zone.plan];
  const comment = merged.comment === undefined || merged.comment === '' ? null : merged.comment;
  if (comment !== null && typeof comment !== 'string') fail(CF_ERRORS.validation('comment must be a string'));
  if (comment !== null && comment.length > plan.commentMax) fail(CF_ERRORS.commentTooLong(plan.commentMax));
  const tags = checkTags(merged.tags ?? [], plan.tagsAllowed, limits);
  const settings = merged.settings ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) fail(CF_ERRORS.validation('settings must be an object'));
  return {
    name, type, content, ttl, proxied, comment, tags, settings: settings as Record<string, unknown>,
    ...(priority !== undefined && { priority }), ...(DATA_TYPES.has(type) && typeof data === 'object' && data !== null && { data: data as Record<string, unknown> }),
  };
}

function checkContent(type: string, content: string): void {
  const ok =
    type === 'A' ? isIPv4(content)
    : type === 'AAAA' ? isIPv6(content)
    : type === 'CNAME' || type === 'NS' || type === 'MX' || type === 'PTR' ? HOSTNAME.test(content)
    : content.length <= 4096;
  if (!ok) fail(CF_ERRORS.badContent(type));
}

function checkTags(raw: unknown, allowed: boolean, limits: SimLimits): string[] {
  if (!Array.isArray(raw) || !raw.every((t) => typeof t === 'string')) fail(CF_ERRORS.validation('tags must be an array of strings'));
  const tags = [...new Set(raw as string[])];
  if (tags.length > 0 && !allowed) fail(CF_ERRORS.tagsNotAllowed(tags.length));
  if (tags.length > limits.tagsPerRecord) fail(CF_ERRORS.tooManyTags(tags.length, limits.tagsPerRecord));
  for (const tag of tags) {
    const i = tag.indexOf(':');
    const [name, value] = i < 0 ? [tag, ''] : [tag.slice(0, i), tag.slice(i + 1)];
    if (name.length < 1 || name.length > limits.tagNameMax || value.length > limits.tagValueMax) fail(CF_ERRORS.badTag(tag));
  }
  return tags;
}

/**
 * Conflicts with the other records of the zone: an identical record (81058), or a CNAME sharing
 * its name with any other record (81057).
 */
export function checkConflicts(fields: RecordFields, others: Iterable<SimRecord>, selfId?: string): void {
  for (const r of others) {
    if (r.id === selfId || r.name !== fields.name) continue;
    if (r.type === fields.type && r.content.toLowerCase() === fields.content.toLowerCase() && (r.priority ?? null) === (fields.priority ?? null)) {
      fail(CF_ERRORS.identicalRecord);
    }
    if (r.type === 'CNAME' || fields.type === 'CNAME') fail(CF_ERRORS.recordExists);
  }
}

/** The zone's records-per-zone quota. */
export function recordQuota(zone: SimZone, limits: SimLimits): number {
  return zone.recordQuota ?? limits.zonePlans[zone.plan].recordsPerZone;
}
