/**
 * Normalization shared by both sides of every comparison, so a second plan after apply is empty:
 * TTL 1 = auto, relative vs full names, case, trailing dots, proxied defaults, tag order, IPv6
 * canonical form, quoted TXT content. Pure functions of their arguments.
 */
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

/** RFC 5952 text form of an IPv6 address (lowercase, leading zeros dropped, longest zero run as `::`); input returned trimmed if it does not parse. */
export function canonicalIpv6(input: string): string {
  const s = input.trim().toLowerCase();
  const halves = s.split('::');
  if (halves.length > 2) return s;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const [i, g] of groups.entries()) {
      if (i === groups.length - 1 && g.includes('.')) {
        const octets = g.split('.').map(Number);
        if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
        out.push(octets[0]! * 256 + octets[1]!, octets[2]! * 256 + octets[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return s;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return s;
  const words = [...head, ...Array<number>(missing).fill(0), ...tail];
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

function hostName(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '');
}

/** Record content in the form both sides are compared in. MX priority is split off into `priority`. */
export function normalizeContent(type: RecordType | string, content: string, priority?: number): { content: string; priority?: number } {
  const c = content.trim();
  if (type === 'AAAA') return { content: canonicalIpv6(c) };
  if (type === 'A') return { content: c };
  if (type === 'MX') {
    const m = /^(\d+)\s+(\S+)$/.exec(c);
    if (m && priority === undefined) return { content: hostName(m[2]!), priority: Number(m[1]) };
    return { content: hostName(c), priority: priority ?? 10 };
  }
  if (NAME_CONTENT.has(type)) return { content: hostName(c) };
  if (type === 'TXT') {
    // Cloudflare may report TXT content quoted; a single quoted string means the same as its inside.
    const m = /^"([^"]*)"$/.exec(c);
    return { content: m ? m[1]! : c };
  }
  if (type === 'SRV') {
    const parts = c.split(/\s+/);
    if (parts.length >= 1) parts[parts.length - 1] = hostName(parts[parts.length - 1]!);
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
