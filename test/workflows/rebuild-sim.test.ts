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
    expect(rec.comment).toBe('[k:acme/vpn-0]');
    expect(violations).toEqual([]);
    expect(driver.seconds).toBeGreaterThan(300);
  });
});
