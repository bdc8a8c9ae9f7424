/**
 * The manifests stay the truth: the DNS reconcile wants is the records in the manifests minus the
 * targets failover holds down. This is the one function reconcile applies to its desired state.
 */
import type { DnsRecordSpec, DnsZoneDoc, Manifests } from '../model/types.ts';
import { failoverKey, recordTargets } from './targets.ts';

/** Targets held out of DNS, per record set (`failoverKey(zoneDoc, fqdn, type)` → target names). */
export type HeldDown = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * `manifests` with every held-down target taken out of its record set; nothing is ever added. A
 * selector becomes the explicit list of the servers it matched, minus the held ones. A record set
 * is left whole when the subtraction would leave it below its `minHealthy` (the failover loop never
 * asks for that; this keeps the contract safe for any input). Pure: returns new objects, shares the
 * untouched ones, and is the identity for an empty `held`.
 */
export function subtractHeldDown(manifests: Manifests, held: HeldDown): Manifests {
  if (held.size === 0) return manifests;
  const zones = new Map<string, DnsZoneDoc>();
  for (const [name, zone] of manifests.dnsZones) {
    let touched = false;
    const records = zone.spec.records.map((rec) => {
      const out = withoutHeld(manifests, name, rec, held);
      touched ||= out !== rec;
      return out;
    });
    zones.set(name, touched ? { ...zone, spec: { ...zone.spec, records } } : zone);
  }
  return { ...manifests, dnsZones: zones };
}

function withoutHeld(manifests: Manifests, zone: string, rec: DnsRecordSpec, held: HeldDown): DnsRecordSpec {
  const out = rec.failover ? held.get(failoverKey(zone, rec.fqdn, rec.type)) : undefined;
  if (!out || out.size === 0 || !rec.failover) return rec;
  const targets = recordTargets(manifests, rec).map((t) => t.name);
  const kept = targets.filter((t) => !out.has(t));
  if (kept.length === targets.length || kept.length < Math.min(rec.failover.minHealthy, targets.length)) return rec;
  const source = 'values' in rec.source ? { values: kept } : { servers: kept };
  return { ...rec, source };
}
