/** Observe: one consistent LiveState or an error; a partial listing never becomes a plan to delete. */
import { afterEach, describe, expect, it } from 'vitest';
import { seedInstance } from '../../src/sim/index.ts';
import { observe, ObserveError } from '../../src/providers/observe.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { startTestSim, writeCalls, type TestSim } from '../helpers/sim.ts';
import { loadOk, writeProject } from '../helpers/project.ts';

function manyInstances(n: number, owner: string) {
  return Array.from({ length: n }, (_, i) =>
    seedInstance({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ip: `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      label: `s${i}`,
      tags: [`keelson:owner=${owner}`, `keelson:name=s${i}`],
    }),
  );
}

let t: TestSim | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('observe', () => {
  it('follows cursors: 700 servers arrive in two pages of 500', async () => {
    const base = await startTestSim();
    const world = base.sim.admin.dump();
    await base.stop();
    t = await startTestSim({ seed: { vultr: { ...world.vultr, instances: [...world.vultr.instances, ...manyInstances(700, 'obs')] } } });
    const live = await observe(t.conn.providers);
    expect(live.servers.filter((s) => s.ownership?.owner === 'obs')).toHaveLength(700);
    expect(t.sim.admin.count('GET /v2/instances')).toBe(2);
  });

  it('a failure on page 2 aborts the run: no LiveState, no plan, no write', async () => {
    const base = await startTestSim();
    const world = base.sim.admin.dump();
    await base.stop();
    t = await startTestSim({ seed: { vultr: { ...world.vultr, instances: [...world.vultr.instances, ...manyInstances(600, 'tester')] } } }, { retries: 2, minDelayMs: 1, maxDelayMs: 5 });
    // Every instances listing after the first page fails, more often than the retries allow.
    t.sim.admin.addFault({ endpoint: 'GET /v2/instances', effect: 503, nth: 2, times: 100 });
    // Desired: one server. Planning against "page 1 only" would miss 100 owned servers.
    const root = await writeProject({ owner: 'tester', servers: [{ name: 's0' }] });
    const { project, manifests } = await loadOk(root);
    await expect(observeAndPlan(project, manifests, t.conn.providers)).rejects.toBeInstanceOf(ObserveError);
    expect(writeCalls(t.sim)).toBe(0);
  });

  it('plan makes zero write calls', async () => {
    t = await startTestSim();
    const root = await writeProject({ servers: [{ name: 'a' }, { name: 'b', region: 'ams' }], zones: [{ name: 'z', zone: 'example.com', records: [{ name: 'www', type: 'A', servers: ['a', 'b'] }] }] });
    const { project, manifests } = await loadOk(root);
    const { plan } = await observeAndPlan(project, manifests, t.conn.providers);
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(writeCalls(t.sim)).toBe(0);
  });
});
