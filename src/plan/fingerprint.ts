/**
 * Fingerprints of the live objects a plan read, so a saved plan can tell whether the world moved
 * since. Install progress (status, power, install state) and snapshot progress are left out: they
 * move on their own and do not change what the plan does.
 */
import type { LiveRecord, LiveServer, LiveSnapshot, LiveState, LiveZone } from '../model/live.ts';
import { shortHash } from './hash.ts';

export interface Fingerprints {
  hashes: Record<string, string>;
  names: Record<string, string>;
}

/** One live object under its fingerprint id (`Server:<id>`, `Snapshot:<id>`, `Zone:<id>`, `DNSRecord:<zoneId>/<id>`). */
export type LiveObject =
  | { kind: 'Server'; server: LiveServer }
  | { kind: 'Snapshot'; snapshot: LiveSnapshot }
  | { kind: 'Zone'; zone: LiveZone }
  | { kind: 'DNSRecord'; record: LiveRecord };

interface Entry {
  id: string;
  name: string;
  /** What is hashed: the object without the fields that move on their own. */
  stable: unknown;
  object: LiveObject;
}

function entries(live: LiveState): Entry[] {
  const out: Entry[] = [];
  for (const s of live.servers) {
    const { status: _s, power: _p, install: _i, ...stable } = s;
    out.push({ id: `Server:${s.id}`, name: `Server ${s.ownership?.name ?? s.label}`, stable, object: { kind: 'Server', server: s } });
  }
  for (const s of live.snapshots) {
    const { status: _s, sizeBytes: _b, ...stable } = s;
    out.push({ id: `Snapshot:${s.id}`, name: `Snapshot ${s.ownership?.name ?? s.description}`, stable, object: { kind: 'Snapshot', snapshot: s } });
  }
  for (const z of live.zones) out.push({ id: `Zone:${z.id}`, name: `Zone ${z.name}`, stable: z, object: { kind: 'Zone', zone: z } });
  for (const r of live.records) {
    out.push({ id: `DNSRecord:${r.zoneId}/${r.id}`, name: `DNSRecord ${r.fqdn} ${r.type} ${r.content}`, stable: r, object: { kind: 'DNSRecord', record: r } });
  }
  return out;
}

/** Fingerprint id → the live object, for every server, snapshot, zone and record in `live`. */
export function liveObjects(live: LiveState): Map<string, LiveObject> {
  return new Map(entries(live).map((e) => [e.id, e.object]));
}

/** Fingerprint id → hash, and id → readable name, for every server, snapshot, zone and record in `live`. */
export function fingerprintLive(live: LiveState): Fingerprints {
  const hashes: Record<string, string> = {};
  const names: Record<string, string> = {};
  for (const e of entries(live)) {
    hashes[e.id] = shortHash(e.stable);
    names[e.id] = e.name;
  }
  return { hashes, names };
}
