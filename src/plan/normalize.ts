/**
 * Normalization shared by both sides of every comparison, so a second plan after apply is empty:
 * TTL 1 = auto, relative vs full names, case, trailing dots, proxied defaults, tag order, IPv6
 * canonical form, quoted TXT content. Pure functions of their arguments.
 */
import { canonicalIpv6, normalizeName } from '../model/normalize.ts';
import type { RecordType, Ttl } from '../model/types.ts';

/** Cloudflare proxies only these types; any other type is never proxied, whatever the input says. */
const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);
/** Types whose content is a host name (compared lowercase, without the trailing dot). */
const NAME_CONTENT = new Set(['CNAME', 'NS', 'MX', 'PTR']);

export function isProxiable(type: string): boolean {
  return PROXIABLE.has(type);
}

/** A fully qualified, lowercase name without trailing dot; `@`, `''` and relative names are taken relative to the zone. */
export function normalizeFqdn(name: string, zone: string): string {
  const z = zone.trim().toLowerCase().replace(/\.$/, '');
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (n === '@' || n === '' || n === z) return z;
  return n.endsWith(`.${z}`) ? n : `${n}.${z}`;
}

/** Cloudflare reports automatic TTL as 1. */
export function normalizeTtl(ttl: Ttl | undefined): Ttl {
  if (ttl === undefined || ttl === 'auto' || ttl === 1) return 'auto';
  return ttl;
}

/** Proxied records always have automatic TTL at Cloudflare, and only some types can be proxied. */
export function effectiveRecordSettings(type: string, ttl: Ttl | undefined, proxied: boolean | undefined): { ttl: Ttl; proxied: boolean } {
  const p = Boolean(proxied) && isProxiable(type);
  return { ttl: p ? 'auto' : normalizeTtl(ttl), proxied: p };
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}

/** Record content in the form both sides are compared in. MX priority is split off into `priority`. */
export function normalizeContent(type: RecordType | string, content: string, priority?: number): { content: string; priority?: number } {
  const c = content.trim();
  if (type === 'AAAA') return { content: canonicalIpv6(c) };
  if (type === 'A') return { content: c };
  if (type === 'MX') {
    const m = /^(\d+)\s+(\S+)$/.exec(c);
    if (m && priority === undefined) return { content: normalizeName(m[2]!), priority: Number(m[1]) };
    return { content: normalizeName(c), priority: priority ?? 10 };
  }
  if (NAME_CONTENT.has(type)) return { content: normalizeName(c) };
  if (type === 'TXT') {
    // Cloudflare may report TXT content quoted; a single quoted string means the same as its inside.
    const m = /^"([^"]*)"$/.exec(c);
    return { content: m ? m[1]! : c };
  }
  if (type === 'SRV') {
    const parts = c.split(/\s+/);
    if (parts.length >= 1) parts[parts.length - 1] = normalizeName(parts[parts.length - 1]!);
    return { content: parts.join(' '), ...(priority === undefined ? {} : { priority }) };
  }
  if (type === 'CAA') {
    const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec(c);
    return { content: m ? `${m[1]} ${m[2]!.toLowerCase()} ${m[3]}` : c };
  }
  return { content: c };
}

/** Only MX carries priority as a separate field that both sides report. */
export function comparesPriority(type: string): boolean {
  return type === 'MX';
}
