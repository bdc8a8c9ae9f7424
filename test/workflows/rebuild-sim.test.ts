import { afterEach, describe, expect, it } from 'vitest';
import { rebuildServer, type StepEvent } from '../../src/workflows/rebuild.ts';
import { WorkflowError } from '../../src/errors.ts';
import { parseServerTags } from '../../src/model/ownership.ts';
import { startWorld, OWNER, oldIp, type TestWorld } from '../helpers/sim-world.ts';
import { manualDriver } from '../helpers/manual-clock.ts';
import { ownedInstances, resolveViolations } from '../helpers/invariants.ts';
import type { RateBudget } from '../../src/providers/rate-budget.ts';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

function counting(inflight: { n: number }) {
  return (b: RateBudget): RateBudget => ({
    api: b.api,
    get started() {
      return b.started;
    },
    holdFor: (ms) => b.holdFor(ms),
    run: (fn) => b.run(async () => {
      inflight.n++;
      try {
        return await fn();
      } finally {
        inflight.n--;
      }
    }),
  });
}

describe('rebuild against the simulator (real SDKs, manual clock)', () => {
  it('creates from the snapshot in the next region, flips DNS, carries bandwidth, destroys the old server', async () => {
    world = await startWorld({ bandwidthBytes: 7_000_000 });
    const w = world;
    const violations: string[] = [];
    const driver = manualDriver(w.sim.admin, () => violations.push(...resolveViolations(w.sim.admin, [w.fqdn('vpn-0')])));
    const events: StepEvent[] = [];
    const providers = w.providers(counting(driver.inflight));
    const result = await driver.run(rebuildServer({ providers, owner: OWNER, manifests: w.manifests, clock: driver.clock, onStep: (e) => events.push(e) }, 'vpn-0'));

    expect(result.outcome).toBe('rebuilt');
    expect(result.region).toBe('ams');
    expect(events.filter((e) => e.state === 'done').map((e) => e.step)).toEqual(['snapshot', 'create', 'install', 'dns', 'drain', 'bandwidth', 'destroy-old']);
    const dump = w.sim.admin.dump();
    const owned = ownedInstances(w.sim.admin, OWNER).get('vpn-0')!;
    expect(owned).toEqual([result.newId]);
    const inst = dump.vultr.instances.find((i) => i.id === result.newId)!;
    expect(inst.region).toBe('ams');
    expect(inst.snapshot_id).toBeTruthy();
    expect(inst.tags).toContain('keelson:bw=2026-11:7000000');
    expect(parseServerTags(inst.tags).marks?.ownership.successorOf).toBe(w.oldIds.get('vpn-0'));
    const rec = dump.cloudflare.records.find((r) => r.name === 'vpn-0.example.com')!;
    expect(rec.content).toBe(inst.ip);
    expect(rec.content).not.toBe(oldIp(0));
    expect(rec.comment).toBe('[k:acme/example]');
    expect(violations).toEqual([]);
    expect(driver.seconds).toBeGreaterThan(300);
  });
});

describe('rebuild waits and failures', () => {
  it('waits for a pending snapshot instead of failing, then succeeds', async () => {
    world = await startWorld({ snapshotPendingMs: 7 * 60_000 });
    const w = world;
    const driver = manualDriver(w.sim.admin);
    const providers = w.providers(counting(driver.inflight));
    const result = await driver.run(rebuildServer({ providers, owner: OWNER, manifests: w.manifests, clock: driver.clock, pollInterval: 30_000 }, 'vpn-0'));
    expect(result.outcome).toBe('rebuilt');
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toEqual([result.newId]);
    // The snapshot became complete only after seven simulated minutes: the rebuild sat through them.
    expect(result.steps.find((s) => s.step === 'snapshot')!.elapsedMs).toBeGreaterThanOrEqual(7 * 60_000 - 30_000);
  });

  it('a 503 on the create is retried and still makes exactly one server', async () => {
    world = await startWorld();
    const w = world;
    w.sim.admin.addFault({ endpoint: 'POST /v2/instances', effect: 503, nth: 1 });
    const driver = manualDriver(w.sim.admin);
    const result = await driver.run(rebuildServer({ providers: w.providers(counting(driver.inflight)), owner: OWNER, manifests: w.manifests, clock: driver.clock }, 'vpn-0'));
    expect(result.outcome).toBe('rebuilt');
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toEqual([result.newId]);
  });

  it('a health check that never passes destroys the new server, leaves DNS alone and says why', async () => {
    const check = { type: 'http' as const, port: 443, path: '/health', expectStatus: 200, interval: 10_000, timeout: 2_000, healthyThreshold: 2, unhealthyThreshold: 3 };
    world = await startWorld({ healthCheck: check, rebuild: { installTimeout: 20 * 60_000 } });
    const w = world;
    const instancesBefore = w.sim.admin.dump().vultr.instances.length;
    const before = w.sim.admin.dump().cloudflare.records.find((r) => r.name === 'vpn-0.example.com')!;
    const driver = manualDriver(w.sim.admin);
    let probes = 0;
    const probe = async () => (probes++, { ok: false as const, why: 'GET /health answered 503' });
    const run = driver.run(rebuildServer({ providers: w.providers(counting(driver.inflight)), owner: OWNER, manifests: w.manifests, clock: driver.clock, probe }, 'vpn-0'));
    const err = await run.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowError);
    expect((err as WorkflowError).opts).toMatchObject({ step: 'health', cleanedUp: true });
    expect((err as Error).message).toMatch(/health check never passed.*503/);
    expect(probes).toBeGreaterThan(10);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toEqual([w.oldIds.get('vpn-0')]);
    const after = w.sim.admin.dump().cloudflare.records.find((r) => r.name === 'vpn-0.example.com')!;
    expect(after).toEqual(before);
    expect(w.sim.admin.dump().vultr.instances).toHaveLength(instancesBefore);
  });
});
