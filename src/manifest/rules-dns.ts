/**
 * Rules about DNS: each name+type has one owner (a zone record or a Server's `dns` entry, never
 * both), names lie inside their zone, CNAMEs stand alone, and options fit the record type.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { DnsRecordSpec, DnsZoneDoc, ManifestDoc } from '../model/types.ts';
import { rawAt, report, requireRef, resourceName, whereIs, type RuleContext } from './rules-context.ts';
import { segments } from './schema-messages.ts';

const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);
const WITH_PRIORITY = new Set(['MX', 'SRV']);

export function checkDns(ctx: RuleContext): void {
  const zonesByDomain = new Map<string, DnsZoneDoc>();
  for (const zone of ctx.manifests.dnsZones.values()) {
    const first = zonesByDomain.get(zone.spec.zone);
    if (first) report(ctx, zone, ['spec', 'zone'], `zone "${zone.spec.zone}" is already managed by ${resourceName(first)} (${whereIs(first)}); one DNSZone per zone`);
    else zonesByDomain.set(zone.spec.zone, zone);
    checkZoneRecords(ctx, zone);
  }
}

/** The document that declared a record (the zone itself, or a Server) and the path inside it. */
function declarer(ctx: RuleContext, zone: DnsZoneDoc, r: DnsRecordSpec): { doc: ManifestDoc; path: (string | number)[] } {
  const doc = r.declaredBy.kind === 'Server' ? ctx.manifests.servers.get(r.declaredBy.name) ?? zone : zone;
  return { doc, path: segments(r.declaredBy.path) };
}

function checkZoneRecords(ctx: RuleContext, zone: DnsZoneDoc): void {
  const owners = new Map<string, DnsRecordSpec>();
  const typesAt = new Map<string, Set<string>>();
  for (const r of zone.spec.records) {
    const { doc, path } = declarer(ctx, zone, r);
    const at = (field?: string): (string | number)[] => (field ? [...path, field] : path);
    const label = `${r.fqdn} ${r.type}`;
    if (r.fqdn !== zone.spec.zone && !r.fqdn.endsWith(`.${zone.spec.zone}`)) {
      report(ctx, doc, at('name'), `"${r.name}" is outside zone "${zone.spec.zone}"`);
    } else if (r.fqdn.length > 253 || r.fqdn.split('.').some((l) => l.length === 0 || l.length > 63)) {
      report(ctx, doc, at('name'), `"${r.fqdn}" is not a valid DNS name (labels of 1..63 characters, 253 in all)`);
    }
    const key = `${r.fqdn}|${r.type}`;
    const first = owners.get(key);
    if (first) {
      const other = declarer(ctx, zone, first).doc;
      report(ctx, doc, at('name'), `${label} is already declared by ${resourceName(other)} (${whereIs(other)}); one owner per DNS name and type`);
    } else owners.set(key, r);
    const types = typesAt.get(r.fqdn) ?? new Set<string>();
    types.add(r.type);
    typesAt.set(r.fqdn, types);
    if (r.declaredBy.kind === 'DNSZone') checkRecordOptions(ctx, zone, r, at);
  }
  const reported = new Set<string>();
  for (const r of zone.spec.records) {
    const types = typesAt.get(r.fqdn) ?? new Set();
    if (r.type === 'CNAME' && types.size > 1 && !reported.has(r.fqdn)) {
      reported.add(r.fqdn);
      const { doc, path } = declarer(ctx, zone, r);
      report(ctx, doc, [...path, 'type'], `a CNAME cannot share its name with other records (${r.fqdn} also has ${[...types].filter((t) => t !== 'CNAME').join(', ')})`);
    }
  }
}

function checkRecordOptions(ctx: RuleContext, zone: DnsZoneDoc, r: DnsRecordSpec, at: (field?: string) => (string | number)[]): void {
  const isAddress = r.type === 'A' || r.type === 'AAAA';
  if (r.proxied && !PROXIABLE.has(r.type)) report(ctx, zone, at('proxied'), `proxied applies only to A, AAAA and CNAME records, not ${r.type}`);
  if (r.priority !== undefined && !WITH_PRIORITY.has(r.type)) report(ctx, zone, at('priority'), `priority applies only to MX and SRV records, not ${r.type}`);
  if (r.failover) {
    if (!isAddress) report(ctx, zone, at('failover'), `failover applies only to A and AAAA records, not ${r.type}`);
    r.failover.notify.forEach((n, i) => requireRef(ctx, zone, [...at('failover'), 'notify', i], 'Notifier', n));
  }
  const src = r.source;
  if ('servers' in src) {
    if (!isAddress) report(ctx, zone, at('servers'), `only A and AAAA records can target servers, not ${r.type}`);
    src.servers.forEach((n, i) => requireRef(ctx, zone, [...at('servers'), i], 'Server', n));
  } else if ('serverSelector' in src) {
    if (!isAddress) report(ctx, zone, at('serverSelector'), `only A and AAAA records can target servers, not ${r.type}`);
    else if (!ctx.anyServerMatches(src.serverSelector)) {
      report(ctx, zone, at('serverSelector'), 'the selector matches no Server; the record set would be empty', 'warning');
    }
  } else {
    const field = rawAt(ctx, zone, at('value')) === undefined ? 'values' : 'value';
    src.values.forEach((v, i) => {
      const where = field === 'value' ? at('value') : [...at('values'), i];
      if (r.type === 'A' && !isIPv4(v)) report(ctx, zone, where, `"${v}" is not an IPv4 address`);
      if (r.type === 'AAAA' && !isIPv6(v)) report(ctx, zone, where, `"${v}" is not an IPv6 address`);
    });
    if (r.type === 'CNAME' && src.values.length > 1) report(ctx, zone, at('values'), 'a CNAME holds exactly one target');
  }
}

