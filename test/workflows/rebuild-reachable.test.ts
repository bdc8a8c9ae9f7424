import { afterEach, describe, expect, it } from 'vitest';
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import type { HealthCheck } from '../../src/model/types.ts';
import { spyOnConnects } from '../helpers/connect-spy.ts';
import { manualDriver } from '../helpers/manual-clock.ts';
import { OWNER, startWorld, type TestWorld } from '../helpers/sim-world.ts';

let world: TestWorld | undefined;
afterEach(async () => world?.sim.stop());

const base = { interval: 10_000, timeout: 2_000, healthyThreshold: 2, unhealthyThreshold: 3 };

describe('a rebuild against reachable simulated servers', () => {
  for (const check of [
    { type: 'http', port: 8080, path: '/health', expectStatus: 200, ...base },
    { type: 'tcp', port: 5432, path: '/', expectStatus: 200, ...base },
  ] as HealthCheck[]) {
    it(`gates on a real ${check.type} health check of the new server's loopback address`, async () => {
      world = await startWorld({
        healthCheck: check, rebuild: { installTimeout: 20 * 60_000 },
        sim: { reachable: { ports: [{ port: 8080, protocol: 'http', path: '/health' }, { port: 5432, protocol: 'tcp' }] } },
      });
      const w = world;
      const spy = spyOnConnects();
      try {
        const driver = manualDriver(w.sim.admin);
        const result = await driver.run(rebuildServer({ providers: w.providers(), owner: OWNER, manifests: w.manifests, clock: driver.clock }, 'vpn-0'));
        expect(result.outcome).toBe('rebuilt');
        const view = w.sim.admin.reachOf(result.newId!);
        expect(view.address).toMatch(/^127\./);
        // The health gate really reached the new server, on its own address.
        expect(spy.hosts.filter((h) => h === view.address).length).toBeGreaterThanOrEqual(check.healthyThreshold);
        expect(view.answered[String(check.port)]).toBeGreaterThanOrEqual(check.healthyThreshold);
        const record = w.sim.admin.dump().cloudflare.records.find((r) => r.name === 'vpn-0.example.com')!;
        expect(record.content).toBe(view.address);
      } finally {
        spy.restore();
      }
    });
  }
});
