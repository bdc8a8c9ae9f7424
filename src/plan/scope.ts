/**
 * A plan's scope: what a live object must be, or sit at, for the plan to depend on it. A saved
 * plan is stale when an object it read changed or disappeared, or when a new object appeared
 * inside its scope (`appearedInScope`): one carrying the plan owner's marker, a zone the manifests
 * manage, a record at a name and type the plan declares or changes, or a record pointing at a
 * server the plan deletes. New objects outside the scope (another owner's server, a record in an
 * unrelated zone) leave the plan as it is.
 */
import type { LiveState } from '../model/live.ts';
import { isOwnedBy } from '../model/ownership.ts';
import { recordOwnership, serverOwnership, snapshotOwnership } from './context.ts';
import type { Manifests } from '../model/types.ts';
import type { LiveObject } from './fingerprint.ts';
import { normalizeFqdn } from './normalize.ts';
import { recordKey } from './record-sets.ts';
import type { Change, PlanScope } from './types.ts';

const zoneName = (zone: string): string => zone.toLowerCase().replace(/\.$/, '');

/** Address records count together: the last-address guard looks at A and AAAA of a name as one. */
function keysOf(fqdn: string, type: string): string[] {
  return type === 'A' || type === 'AAAA' ? [recordKey(fqdn, 'A'), recordKey(fqdn, 'AAAA')] : [recordKey(fqdn, type)];
}

/** The zones and record names the plan depends on, from the manifests and the plan's own record changes. Pure. */
export function planScope(desired: Manifests, changes: readonly Change[]): PlanScope {
  const zones = new Set<string>();
  const records = new Set<string>();
  for (const z of desired.dnsZones.values()) {
    const zone = zoneName(z.spec.zone);
    zones.add(zone);
    for (const r of z.spec.records) for (const k of keysOf(normalizeFqdn(r.fqdn || r.name, zone), r.type)) records.add(k);
  }
  for (const c of changes) {
    const p = c.payload;
    if (p.op !== 'record.create' && p.op !== 'record.update' && p.op !== 'record.delete') continue;
    zones.add(p.zone);
    for (const k of keysOf(p.record.fqdn, p.record.type)) records.add(k);
  }
  return { zones: [...zones].sort(), records: [...records].sort() };
}

function deletedAddresses(changes: readonly Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    if (c.payload.op !== 'server.delete') continue;
    for (const ip of [c.payload.server.ipv4, c.payload.server.ipv6]) if (ip) out.add(ip);
  }
  return out;
}

/**
 * Whether a live object that was not there at plan time changes what the plan would do, as a
 * predicate built once per staleness check (the sets below are per plan, not per object). `scope`
 * absent (a plan saved before scopes existed): every new object counts, as it used to.
 */
export function appearedInScope(
  plan: { owner: string; changes: readonly Change[]; scope?: PlanScope }, fresh: LiveState,
): (obj: LiveObject) => boolean {
  const { owner, scope } = plan;
  if (!scope) return () => true;
  const zones = new Set(scope.zones);
  const records = new Set(scope.records);
  const deleted = deletedAddresses(plan.changes);
  const zoneNames = new Map(fresh.zones.map((z) => [z.id, z.name]));
  return (obj) => {
    switch (obj.kind) {
      case 'Server':
        return isOwnedBy(serverOwnership(obj.server).ownership, owner);
      case 'Snapshot':
        return isOwnedBy(snapshotOwnership(obj.snapshot), owner);
      case 'Zone':
        return zones.has(obj.zone.name);
      case 'DNSRecord': {
        const r = obj.record;
        if (isOwnedBy(recordOwnership(r), owner)) return true;
        if (deleted.has(r.content)) return true;
        const zone = zoneNames.get(r.zoneId);
        return (zone === undefined || zones.has(zone)) && records.has(recordKey(r.fqdn, r.type));
      }
    }
  };
}
