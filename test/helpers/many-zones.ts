/** A world with 60 visible Cloudflare zones, for the tests and the bench of observation cost. */
import { formatRecordComment, formatRecordTags } from '../../src/model/ownership.ts';
import { defaultWorld } from '../../src/sim/default-world.ts';
import type { SimRecord, SimZone, WorldData } from '../../src/sim/types.ts';

const EXTRA_ZONES = 58;
const at = '2024-03-01T10:00:00.000000Z';

function rec(id: string, zoneId: string, name: string, fields: Partial<SimRecord> = {}): SimRecord {
  return { id, zone_id: zoneId, name, type: 'TXT', content: `"${id}"`, ttl: 1, proxied: false, comment: null, tags: [], settings: {}, created_on: at, modified_on: at, ...fields };
}

/**
 * 60 visible zones (the default two and 58 more, Free and Pro alternating), 20 strangers' records in each extra zone, and three marked records:
 * acme's in z4 (Free, comment marker) and z5 (Pro, owner tag only), another owner's in z6.
 */
export function manyZonesWorld(): WorldData {
  const w = defaultWorld();
  const base = w.cloudflare.zones[0]!;
  for (let i = 0; i < EXTRA_ZONES; i++) {
    const id = `${String(i).padStart(8, '0')}aaaaaaaaaaaaaaaaaaaaaaaa`;
    const z: SimZone = { ...structuredClone(base), id, name: `z${i}.example.org`, plan: i % 2 ? 'pro' : 'free' };
    w.cloudflare.zones.push(z);
    for (let k = 0; k < 20; k++) w.cloudflare.records.push(rec(`r${i}x${k}`.padEnd(32, '0'), id, `h${k}.${z.name}`, { comment: k % 2 ? 'by hand' : null }));
  }
  const zid = (i: number): string => `${String(i).padStart(8, '0')}aaaaaaaaaaaaaaaaaaaaaaaa`;
  // acme's record left in a zone whose manifest was removed (Free: the comment marker only)…
  w.cloudflare.records.push(rec('orphan1'.padEnd(32, '0'), zid(4), `old.z4.example.org`, { comment: formatRecordComment('was here', { owner: 'acme', name: 'gone' }) }));
  // …one on a Pro zone whose comment a user rewrote: the owner tag still marks it…
  w.cloudflare.records.push(rec('orphan2'.padEnd(32, '0'), zid(5), `old.z5.example.org`, { comment: 'edited by hand', tags: formatRecordTags({ owner: 'acme', name: 'gone' }) }));
  // …and another keelson user's record, which the search returns and the planner leaves alone.
  w.cloudflare.records.push(rec('theirs'.padEnd(32, '0'), zid(6), `x.z6.example.org`, { comment: formatRecordComment('', { owner: 'other', name: 'x' }) }));
  return w;
}

