/**
 * The desired side of DNS: each zone's record sets, expanded to one value per record, with server
 * targets resolved to live addresses or to references resolved at apply time.
 */
import type { DnsRecordSpec, DnsZoneDoc, RecordType, Ttl } from '../model/types.ts';
import { addProblem, type PlanContext } from './context.ts';
import { canonicalIpv6 } from '../model/normalize.ts';
import { effectiveRecordSettings, normalizeContent, normalizeFqdn } from './normalize.ts';
import type { RecordContent } from './types.ts';

export interface WantValue {
  content: RecordContent;
  /** How the value reads in ids and output. */
  display: string;
  dependsOn: string[];
  /** For a reference to a server being replaced: the old address, whose record moves. */
  previous?: string;
}

export interface WantSet {
  fqdn: string;
  type: RecordType;
  ttl: Ttl;
  proxied: boolean;
  priority?: number;
  comment: string;
  values: WantValue[];
  spec: DnsRecordSpec;
}

export function recordKey(fqdn: string, type: string): string {
  return `${fqdn} ${type}`;
}

export function refDisplay(server: string, family: 4 | 6): string {
  return `{${server}.ipv${family}}`;
}

function serverValue(ctx: PlanContext, zone: DnsZoneDoc, rec: DnsRecordSpec, server: string): WantValue | undefined {
  const family = rec.type === 'AAAA' ? 6 : 4;
  const addr = ctx.addresses.get(server);
  const doc = ctx.desired.servers.get(server);
  const where = `DNSZone/${zone.metadata.name}`;
  if (!addr || !doc) {
    addProblem(ctx, zone.source, where, rec.declaredBy.path, `record ${rec.fqdn} ${rec.type} targets server "${server}", which is not declared in the manifests`);
    return undefined;
  }
  if (family === 6 && !doc.spec.enableIpv6) {
    addProblem(ctx, doc.source, `Server/${server}`, '/spec/enableIpv6', `record ${rec.fqdn} AAAA needs the server's IPv6 address, but enableIpv6 is false`);
    return undefined;
  }
  const ref = { content: { server, family }, display: refDisplay(server, family) } as const;
  if (addr.pendingChange) {
    const prev = family === 4 ? addr.previous?.ipv4 : addr.previous?.ipv6;
    return { ...ref, dependsOn: [addr.pendingChange], ...(prev ? { previous: family === 6 ? canonicalIpv6(prev) : prev } : {}) };
  }
  const ip = family === 4 ? addr.live?.ipv4 : addr.live?.ipv6;
  if (ip) {
    const content = family === 6 ? canonicalIpv6(ip) : ip;
    return { content, display: content, dependsOn: [] };
  }
  ctx.warnings.push(`[Server/${server}] has no IPv${family} address yet: ${rec.fqdn} ${rec.type} is resolved when the server is installed`);
  return { ...ref, dependsOn: [] };
}

function values(ctx: PlanContext, zone: DnsZoneDoc, rec: DnsRecordSpec): { values: WantValue[]; priority?: number } {
  const src = rec.source;
  if ('values' in src) {
    let priority = rec.priority;
    const out: WantValue[] = [];
    for (const v of src.values) {
      const n = normalizeContent(rec.type, v, rec.priority);
      priority = n.priority ?? priority;
      out.push({ content: n.content, display: n.content, dependsOn: [] });
    }
    return { values: out, ...(priority === undefined ? {} : { priority }) };
  }
  const names = 'servers' in src
    ? src.servers
    : [...ctx.desired.servers.values()]
      .filter((d) => Object.entries(src.serverSelector.matchLabels).every(([k, v]) => d.metadata.labels[k] === v))
      .map((d) => d.metadata.name)
      .sort();
  return { values: names.map((n) => serverValue(ctx, zone, rec, n)).filter((v): v is WantValue => v !== undefined) };
}

/** A zone's desired record sets by key; sets declared twice (a zone record and a server's `dns`) are merged. */
export function desiredRecordSets(ctx: PlanContext, zone: DnsZoneDoc): Map<string, WantSet> {
  const sets = new Map<string, WantSet>();
  for (const rec of zone.spec.records) {
    const fqdn = normalizeFqdn(rec.fqdn || rec.name, zone.spec.zone);
    const key = recordKey(fqdn, rec.type);
    const { values: vals, priority } = values(ctx, zone, rec);
    const existing = sets.get(key);
    if (existing) {
      const seen = new Set(existing.values.map((v) => v.display));
      existing.values.push(...vals.filter((v) => !seen.has(v.display)));
      const s = effectiveRecordSettings(rec.type, rec.ttl, rec.proxied);
      if (s.ttl !== existing.ttl || s.proxied !== existing.proxied) {
        ctx.warnings.push(`[DNSZone/${zone.metadata.name}] ${key} is declared more than once with different ttl/proxied; the first declaration wins`);
      }
      continue;
    }
    const seen = new Set<string>();
    sets.set(key, {
      fqdn, type: rec.type, ...effectiveRecordSettings(rec.type, rec.ttl, rec.proxied),
      ...(priority === undefined ? {} : { priority }), comment: (rec.comment ?? '').trim(),
      values: vals.filter((v) => !seen.has(v.display) && Boolean(seen.add(v.display))), spec: rec,
    });
  }
  return sets;
}
