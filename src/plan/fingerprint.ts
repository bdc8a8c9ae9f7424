/**
 * Fingerprints of the live objects a plan read, so a saved plan can tell whether the world moved
 * since. Install progress (status, power, install state) and snapshot progress are left out: they
 * move on their own and do not change what the plan does.
 */
import type { LiveState } from '../model/live.ts';
import { shortHash } from './hash.ts';

export interface Fingerprints {
  hashes: Record<string, string>;
  names: Record<string, string>;
}

/** Fingerprint id → hash, and id → readable name, for every server, snapshot, zone and record in `live`. */
export function fingerprintLive(live: LiveState): Fingerprints {
  const hashes: Record<string, string> = {};
  const names: Record<string, string> = {};
  const put = (id: string, name: string, value: unknown): void => {
    hashes[id] = shortHash(value);
    names[id] = name;
  };
  for (const s of live.servers) {
    const { status: _s, power: _p, install: _i, ...stable } = s;
    put(`Server:${s.id}`, `Server ${s.ownership?.name ?? s.label}`, stable);
  }
  for (const s of live.snapshots) {
    const { status: _s, sizeBytes: _b, ...stable } = s;
    put(`Snapshot:${s.id}`, `Snapshot ${s.ownership?.name ?? s.description}`, stable);
  }
  for (const z of live.zones) put(`Zone:${z.id}`, `Zone ${z.name}`, z);
  for (const r of live.records) put(`DNSRecord:${r.zoneId}/${r.id}`, `DNSRecord ${r.fqdn} ${r.type} ${r.content}`, r);
  return { hashes, names };
}
