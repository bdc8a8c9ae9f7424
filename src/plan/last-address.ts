/**
 * The last-address rule, shared by the planner (which guards its record deletes) and the destroy
 * workflow (which deletes records outside any plan): a DNS name must never silently lose its last
 * A/AAAA record. Pure.
 */
import type { DnsRecordSpec, Manifests } from '../model/types.ts';
import type { LastAddressGuard } from './types.ts';

interface NamedRecord {
  fqdn: string;
  type: string;
}

const isAddress = (type: string): boolean => type === 'A' || type === 'AAAA';

/**
 * The names that `deletes` (with `creates` added) leave without any A/AAAA record among `live` (every
 * record at the name counts, whoever owns it), each with the guard's intent: `emptied` when the
 * manifests still declare an address record set there (`ignore` leaves declarations out, e.g. those of
 * a server being destroyed), `removed` otherwise.
 */
export function lastAddressGuards(
  live: readonly NamedRecord[], deletes: readonly NamedRecord[], creates: readonly NamedRecord[], desired: Manifests,
  ignore: (r: DnsRecordSpec) => boolean = () => false,
): Map<string, LastAddressGuard> {
  const out = new Map<string, LastAddressGuard>();
  const at = (list: readonly NamedRecord[], fqdn: string): number => list.filter((r) => r.fqdn === fqdn && isAddress(r.type)).length;
  for (const fqdn of new Set(deletes.filter((r) => isAddress(r.type)).map((r) => r.fqdn))) {
    const before = at(live, fqdn);
    if (before === 0 || before - at(deletes, fqdn) + at(creates, fqdn) > 0) continue;
    const declared = [...desired.dnsZones.values()].some((z) => z.spec.records.some((r) => isAddress(r.type) && r.fqdn === fqdn && !ignore(r)));
    out.set(fqdn, { fqdn, intent: declared ? 'emptied' : 'removed' });
  }
  return out;
}
