/**
 * Creating many servers: every create goes out as soon as the plan allows (not behind installs at
 * the parallelism limit), and all installs are awaited together through one listing per poll
 * interval, never one get per server. Real SDKs into the simulator; its clock moves only when
 * keelson sleeps between polls, so installs take exactly the polls they need. Counts only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.ts';
import type { ApplyEvent } from '../../src/apply/types.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import type { Providers } from '../../src/providers/types.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { simProviders } from '../helpers/sim-world.ts';
import { loadOk, writeProject } from '../helpers/project.ts';

const SERVERS = 12;
const POLL_MS = 5000;
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('apply of many new servers', () => {
  it('issues every create before any install is awaited to the end, and polls with one listing per interval', async () => {
    let creates = 0;
    let doneWhenLastCreated = -1;
    let serversDone = 0;
    sim = await startSimulator({
      manualClock: true, rateLimits: false,
      onResponse: (e) => {
        if (e.endpoint === 'POST /v2/instances' && e.status < 300 && ++creates === SERVERS) doneWhenLastCreated = serversDone;
      },
    });
    const dir = await writeProject({
      owner: 'fleet',
      servers: Array.from({ length: SERVERS }, (_, i) => ({ name: `n-${i}` })),
      zones: [{ name: 'main', zone: 'example.com', records: Array.from({ length: SERVERS }, (_, i) => ({ name: `n-${i}`, type: 'A' as const, servers: [`n-${i}`] })) }],
    });
    const { project, manifests } = await loadOk(dir);
    const base = simProviders(sim, undefined, { limit: 10_000 });
    const admin = sim.admin;
    const clock = { now: () => admin.now(), sleep: async (ms: number) => void admin.advance(ms) };
    const listings: number[] = [];
    const providers: Providers = { ...base, compute: { ...base.compute, listServers: () => (listings.push(clock.now()), base.compute.listServers()) } };
    const { plan, live } = await observeAndPlan(project, manifests, providers);
    listings.length = 0;
    sim.admin.resetCounters();
    const events: ApplyEvent[] = [];
    const start = clock.now();
    const result = await applyPlan(plan, {
      providers, zones: live.zones, catalog: live.catalog, servers: live.servers, clock, pollIntervalMs: POLL_MS, parallelism: 4,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'done' && e.change.kind === 'Server') serversDone++;
      },
    });
    const elapsed = clock.now() - start;
    expect(result.ok).toBe(true);

    const counters = sim.admin.counters();
    expect(counters['POST /v2/instances']).toBe(SERVERS);
    // Not one create waited for another server's install (parallelism 4 used to hold the 5th back).
    expect(doneWhenLastCreated).toBe(0);
    expect(counters['GET /v2/instances/:instance-id'] ?? 0).toBe(0);
    // One listing per poll interval at most, for all twelve installs together.
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.length).toBeLessThanOrEqual(Math.floor(elapsed / POLL_MS) + 2);
    expect(sim.admin.dump().cloudflare.records.filter((r) => r.name.startsWith('n-'))).toHaveLength(SERVERS);
  });
});
