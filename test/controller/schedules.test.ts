/** Scheduled rebuilds and snapshot refreshes run by the controller, on the simulator's clock, across a restart. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isOwnedBy } from '../../src/model/ownership.ts';
import { startTestSim, type TestSim } from '../helpers/sim.ts';
import { openSource, startHarness, type Harness } from './harness.ts';

const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;

function manifests(): Record<string, string> {
  const server = (name: string, region: string) => ({
    apiVersion: 'keelson.dev/v1', kind: 'Server', metadata: { name },
    spec: { region, plan: 'vc2-1c-1gb', image: { os: 'Ubuntu 24.04 LTS x64' }, rebuild: { schedule: '0 3 * * 1', drain: '1s' } },
  });
  const snapshot = { apiVersion: 'keelson.dev/v1', kind: 'Snapshot', metadata: { name: 'golden' }, spec: { fromServer: 'web-a', keep: 2, refresh: { schedule: '0 3 * * 1' } } };
  return {
    'keelson.yaml': stringify({ apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 't' }, spec: { owner: 'tester', rebuilds: { maxConcurrent: 2, maxPerRegion: 1 } } }),
    'manifests/servers.yaml': [server('web-a', 'ewr'), server('web-b', 'ewr'), server('web-c', 'ams'), snapshot].map((d) => stringify(d)).join('---\n'),
  };
}

let t: TestSim;
const harnesses: Harness[] = [];
beforeEach(async () => {
  t = await startTestSim({ speed: 200, startTime: MONDAY });
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.cleanup().catch(() => {});
  await t.stop();
});

async function instances(t: TestSim) {
  return (await t.conn.providers.compute.listServers()).filter((s) => isOwnedBy(s.ownership, 'tester'));
}

describe('scheduled rebuilds and refreshes', () => {
  it('rebuilds the due servers within the limits, says why the others wait, and never twice for one slot across a restart', async () => {
    const clockNow = () => t.sim.admin.now();
    const h = await startHarness(t.sim, { clock: { now: clockNow, sleep: async () => {} } });
    harnesses.push(h);
    await h.remote.commit('fleet', manifests());
    await openSource(h);
    await h.controller.tick();
    expect(h.controller.status().last?.outcome).toBe('applied');
    const before = new Map((await instances(t)).map((s) => [s.ownership!.name, s.id]));
    expect(before.size).toBe(3);
    expect(h.controller.rebuilds.running.size).toBe(0);

    t.sim.admin.advance(4 * HOUR); // past Monday 03:00 UTC: every server's slot is due
    await h.controller.tick();
    // ewr allows one at a time: web-a and web-c start, web-b waits for its region.
    expect([...h.controller.rebuilds.running.keys()].sort()).toEqual(['web-a', 'web-c']);
    expect(h.controller.status().rebuilds.held).toEqual([{ server: 'web-b', reason: 'region-limit' }]);
    // The status page shows the step a running rebuild is at, from the workflow's own step events.
    const stepOf = () => h.controller.rebuilds.running.get('web-a')?.step;
    for (let i = 0; i < 10_000 && stepOf() === undefined && h.controller.rebuilds.running.has('web-a'); i++) await new Promise((r) => setImmediate(r));
    expect(['snapshot', 'create', 'install', 'health', 'dns', 'drain', 'bandwidth', 'destroy-old']).toContain(stepOf());
    expect(await h.metrics.registry.getSingleMetricAsString('keelson_rebuilds_held')).toContain('keelson_rebuilds_held{reason="region-limit"} 1');
    await h.controller.rebuilds.settle();
    expect(h.controller.events.recent.filter((e) => e.event === 'rebuild.done').map((e) => e.resource).sort()).toEqual(['Server/web-a', 'Server/web-c']);
    const refreshed = h.controller.events.recent.filter((e) => e.event === 'snapshot.refreshed');
    expect(refreshed).toHaveLength(1);
    await h.controller.tick();
    expect([...h.controller.rebuilds.running.keys()]).toEqual(['web-b']);
    await h.controller.rebuilds.settle();
    await h.controller.tick();
    expect(h.controller.rebuilds.running.size).toBe(0);

    const after = await instances(t);
    expect(after).toHaveLength(3); // no duplicate, no leak
    for (const s of after) expect(s.id).not.toBe(before.get(s.ownership!.name));

    // A restart (new controller, same state dir and remote): nothing is rebuilt again for this slot.
    await h.controller.stop();
    const again = await startHarness(t.sim, { remote: h.remote, clock: { now: clockNow, sleep: async () => {} } });
    harnesses.push(again);
    await openSource(again);
    await again.controller.tick();
    await again.controller.tick();
    expect(again.controller.rebuilds.running.size).toBe(0);
    expect(again.controller.events.recent.filter((e) => e.event === 'rebuild.started' || e.event === 'snapshot.refreshed')).toEqual([]);
    expect((await instances(t)).map((s) => s.id).sort()).toEqual(after.map((s) => s.id).sort());
    expect(again.controller.status().last?.outcome).toBe('in-sync');
  }, 180_000);
});
