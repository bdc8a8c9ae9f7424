/**
 * Observation cost with many visible zones (issue 10, item 8): the zones the manifests manage are
 * listed in full on every plan; the others are only searched, through Cloudflare's comment and tag
 * filters, for records carrying a keelson marker, and a frequent planner searches them at a lower
 * rate. Real SDKs against the simulator; the simulator's counters count the calls.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planChanges } from '../../src/plan/plan.ts';
import { observeScope } from '../../src/pipeline.ts';
import { observe, orphanSweep } from '../../src/providers/observe.ts';
import { manifests, zone } from '../plan/builders.ts';
import { manyZonesWorld } from '../helpers/many-zones.ts';
import { startTestSim, type TestSim } from '../helpers/sim.ts';

const desired = manifests({ zones: [zone('example-com', 'example.com', [{ name: 'www', values: ['192.0.2.1'] }])] });

let t: TestSim;
beforeEach(async () => {
  t = await startTestSim({ seed: manyZonesWorld() });
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
