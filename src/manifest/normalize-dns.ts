import type { DnsRecordSpec, DnsZoneDoc, FailoverPolicy, ProjectConfig, RecordSource, ServerDoc, Ttl } from '../model/types.ts';
import { asRaw, dur, envelopeOf, healthCheckOf, opt, or, type Raw, selectorOf, specOf, ttlOf } from './normalize-common.ts';
import type { CheckedDocument } from './validate-schema.ts';

/**
 * The fully qualified name of a record: "@" is the apex, a name ending in "." is absolute, a name
 * that already ends in the zone is taken as full, anything else is relative to the zone.
 * Lowercase, without the trailing dot.
 */
export function recordFqdn(name: string, zone: string): string {
  const n = name.toLowerCase();
  const z = zone.toLowerCase().replace(/\.$/, '');
  if (n === '@') return z;
  if (n.endsWith('.')) return n.slice(0, -1);
  if (n === z || n.endsWith(`.${z}`)) return n;
  return `${n}.${z}`;
}

/** A DNSZone with its own records normalized (Server records are merged in by `mergeServerRecords`). */
export function normalizeZone(c: CheckedDocument, project: ProjectConfig): DnsZoneDoc {
  const spec = specOf(c);
  const zone = (spec.zone as string).toLowerCase();
  const defaultTtl: Ttl = ttlOf(spec.defaultTtl) ?? project.defaults.dnsTtl;
  const name = c.name;
  const records = or<Raw[]>(spec, 'records', []).map((r, i): DnsRecordSpec => {
    const priority = opt<number>(r, 'priority');
    const comment = opt<string>(r, 'comment');
    const failover = r.failover ? asRaw(r.failover) : undefined;
    return {
      fqdn: recordFqdn(r.name as string, zone),
      name: r.name as string,
      type: r.type as DnsRecordSpec['type'],
      ttl: ttlOf(r.ttl) ?? defaultTtl,
      proxied: or(r, 'proxied', false),
      source: recordSource(r),
      ...(priority === undefined ? {} : { priority }),
      ...(comment === undefined ? {} : { comment }),
      ...(failover ? { failover: failoverOf(failover) } : {}),
      declaredBy: { kind: 'DNSZone', name, path: `/spec/records/${i}` },
    };
  });
  return { kind: 'DNSZone', ...envelopeOf(c), spec: { provider: 'cloudflare', zone, defaultTtl, records } };
}

function failoverOf(f: Raw): FailoverPolicy {
  return {
    check: healthCheckOf(f.check), minHealthy: or(f, 'minHealthy', 1), holdDown: dur(f, 'holdDown', '30s'),
    scheme: or(f, 'scheme', 'http'), tlsVerify: or(f, 'tlsVerify', true), notify: [...or<string[]>(f, 'notify', [])],
  };
}

function recordSource(r: Raw): RecordSource {
  if (typeof r.value === 'string') return { values: [r.value] };
  if (Array.isArray(r.values)) return { values: [...(r.values as string[])] };
  if (Array.isArray(r.servers)) return { servers: [...(r.servers as string[])] };
  return { serverSelector: selectorOf(r.serverSelector) };
}

/**
 * Adds each Server's `spec.dns` entries to the zone they name (by DNSZone metadata.name) and fills
 * the entry's TTL from the zone. Entries naming a zone that does not exist are left to the rules.
 */
export function mergeServerRecords(servers: Iterable<ServerDoc>, zones: Map<string, DnsZoneDoc>): void {
  for (const server of servers) {
    server.spec.dns.forEach((entry, i) => {
      const zone = zones.get(entry.zone);
      if (!zone) return;
      entry.ttl ??= zone.spec.defaultTtl;
      zone.spec.records.push({
        fqdn: recordFqdn(entry.name, zone.spec.zone),
        name: entry.name,
        type: entry.type,
        ttl: entry.ttl,
        proxied: entry.proxied,
        source: { servers: [server.metadata.name] },
        declaredBy: { kind: 'Server', name: server.metadata.name, path: `/spec/dns/${i}` },
      });
    });
  }
}
