/**
 * Observation cost with many visible zones (issue 10, item 8): the zones the manifests manage are
 * listed in full on every plan; the others are only searched, through Cloudflare's comment and tag
 * filters, for records carrying a keelson marker, and a frequent planner searches them at a lower
 * rate. Real SDKs against the simulator; the simulator's counters count the calls.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRecordComment, formatRecordTags } from '../../src/model/ownership.ts';
import { planChanges } from '../../src/plan/plan.ts';
import { observeScope } from '../../src/pipeline.ts';
import { observe, orphanSweep } from '../../src/providers/observe.ts';
import { defaultWorld } from '../../src/sim/default-world.ts';
import type { SimRecord, SimZone, WorldData } from '../../src/sim/types.ts';
import { manifests, zone } from '../plan/builders.ts';
import { startTestSim, type TestSim } from '../helpers/sim.ts';

const EXTRA_ZONES = 58;
const at = '2024-03-01T10:00:00.000000Z';

function rec(id: string, zoneId: string, name: string, fields: Partial<SimRecord> = {}): SimRecord {
  return { id, zone_id: zoneId, name, type: 'TXT', content: `"${id}"`, ttl: 1, proxied: false, comment: null, tags: [], settings: {}, created_on: at, modified_on: at, ...fields };
}

/** 60 visible zones (the default two and 58 more, Free and Pro alternating), 20 strangers' records in each extra zone, and three marked records. */
function world(): WorldData {
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

const desired = manifests({ zones: [zone('example-com', 'example.com', [{ name: 'www', values: ['192.0.2.1'] }])] });

let t: TestSim;
beforeEach(async () => {
  t = await startTestSim({ seed: world() });
});
afterEach(() => t.stop());

const recordListings = (): number => Object.entries(t.sim.admin.counters()).filter(([k]) => k.startsWith('GET ') && k.endsWith('/dns_records')).reduce((n, [, v]) => n + v, 0);

describe('observe with 60 visible zones, one managed', () => {
  it('lists the managed zone in full and finds only marked records elsewhere, so orphans are still deleted', async () => {
    t.sim.admin.resetCounters();
    const live = await observe(t.conn.providers, observeScope(desired));
    expect(live.zones).toHaveLength(60);
    // One full listing and one filtered search per other zone (each a single small page).
    expect(recordListings()).toBe(60);
    const elsewhere = live.records.filter((r) => r.zoneId !== live.zones.find((z) => z.name === 'example.com')!.id);
    expect(elsewhere.map((r) => r.fqdn).sort()).toEqual(['old.z4.example.org', 'old.z5.example.org', 'x.z6.example.org']);
    // The managed zone's strangers are all there (the planner reports them as unmanaged).
    expect(live.records.filter((r) => r.fqdn.endsWith('example.com'))).toHaveLength(3);
    const plan = planChanges(desired, live, { owner: 'acme' });
    expect(plan.changes.map((c) => c.id).sort()).toEqual([
      `DNSRecord/old.z4.example.org TXT ${'orphan1'.padEnd(32, '0')}#delete`,
      `DNSRecord/old.z5.example.org TXT ${'orphan2'.padEnd(32, '0')}#delete`,
      'DNSRecord/www.example.com A 192.0.2.1#create',
    ].sort());
  });

  it('without the orphan search a plan makes one record listing, whatever the number of zones', async () => {
    t.sim.admin.resetCounters();
    const live = await observe(t.conn.providers, { ...observeScope(desired), sweep: false });
    expect(recordListings()).toBe(1);
    expect(live.zones.map((z) => z.name)).toEqual(['example.com']);
  });

  it('a planner running every minute searches the other zones once per interval', async () => {
    const due = orphanSweep(15 * 60_000);
    t.sim.admin.resetCounters();
    for (let minute = 0; minute < 30; minute++) await observe(t.conn.providers, { ...observeScope(desired), sweep: due(minute * 60_000) });
    // 30 full listings of the managed zone, and two searches (minutes 0 and 15) of the 59 others.
    expect(recordListings()).toBe(30 + 2 * 59);
  });
});
