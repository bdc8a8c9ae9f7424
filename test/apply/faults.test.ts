/**
 * Faults at the simulator (429, 5xx, resets before the call, lost responses after it was carried out)
 * at 5% and 20% of every call: apply converges within 5 runs, with no duplicate and no leaked server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { observeAndPlan } from '../../src/pipeline.ts';
import type { FaultSpec } from '../../src/sim/index.ts';
import { applyOnce } from '../helpers/converge.ts';
import { loadOk, writeProject, type ProjectDesc } from '../helpers/project.ts';
import { startTestSim, type TestSim } from '../helpers/sim.ts';

const desc: ProjectDesc = {
  owner: 'faulty',
  servers: Array.from({ length: 6 }, (_, i) => ({ name: `node-${i}`, region: ['ewr', 'ams', 'lax'][i % 3]! })),
  zones: [
    {
      name: 'main',
      zone: 'example.com',
      records: [
        { name: 'app', type: 'A', servers: ['node-0', 'node-1', 'node-2'] },
        { name: 'api', type: 'A', servers: ['node-3', 'node-4', 'node-5'] },
        ...Array.from({ length: 12 }, (_, i) => ({ name: `txt-${i}`, type: 'TXT' as const, value: `value ${i}` })),
      ],
    },
  ],
};

function faults(rate: number): FaultSpec[] {
  const share = rate / 4;
  return [
    { endpoint: '*', effect: 429, rate: share },
    { endpoint: '*', effect: 503, rate: share },
    { endpoint: '*', effect: 'reset', rate: share },
    // Lost response: the call is carried out, then the connection drops before the answer.
    { endpoint: '*', effect: 'reset', rate: share, after: true },
  ];
}

let t: TestSim | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe.each([
  [0.05, 1], [0.05, 2], [0.05, 3],
  [0.2, 1], [0.2, 2], [0.2, 3],
])('faults at %s of calls (seed %i)', (rate, seed) => {
  it('apply converges within 5 runs, no duplicate, no leak', async () => {
    // A slower clock than other tests: installs take several polls, so polling meets faults too.
    t = await startTestSim({ faults: faults(rate), randomSeed: seed * 7919, speed: 5000 }, { retries: 4, minDelayMs: 2, maxDelayMs: 20 });
    const { project, manifests } = await loadOk(await writeProject(desc));
    let runs = 0;
    let converged = false;
    while (runs < 5 && !converged) {
      runs++;
      try {
        const { plan, result } = await applyOnce(project, manifests, t.conn.providers);
        converged = plan.changes.length === 0 || result.ok;
      } catch {
        // A failed observation or plan is a failed run; the next run starts from a fresh observation.
      }
    }
    const fired = t.sim.admin.faults().reduce((n, f) => n + f.fired, 0);
    expect(fired).toBeGreaterThan(0);
    t.sim.admin.clearFaults();
    const { plan, live } = await observeAndPlan(project, manifests, t.conn.providers);
    expect(runs).toBeLessThanOrEqual(5);
    expect(plan.changes.map((c) => c.id)).toEqual([]);
    const owned = live.servers.filter((s) => s.ownership?.owner === 'faulty');
    expect(owned.map((s) => s.ownership!.name).sort()).toEqual(desc.servers!.map((s) => s.name).sort());
    expect(live.records.filter((r) => r.ownership?.owner === 'faulty')).toHaveLength(6 + 12);
    expect(t.sim.admin.foreignTouches()).toEqual([]);
  }, 120_000);
});
