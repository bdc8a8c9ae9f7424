/**
 * Create bench: `apply` of 100 new servers with simulated 5-minute installs, through the real SDKs
 * into the simulator (real rate limits on, keelson's default Vultr budget of 25 requests/s). Prints
 * the simulated time against the aim, 1.2 × (one install + every create at the rate budget), the
 * creates, and the install-listing calls per poll interval.
 */
import { applyPlan } from '../src/apply/executor.ts';
import { observeAndPlan } from '../src/pipeline.ts';
import { connectEndpoints, simulatorEndpoints } from '../src/providers/connect.ts';
import { DEFAULT_BUDGETS } from '../src/providers/rate-budget.ts';
import { startSimulator } from '../src/sim/index.ts';
import { scaledClock } from '../src/workflows/clock.ts';
import { loadOk, writeProject } from '../test/helpers/project.ts';

const SERVERS = 100;
const INSTALL_MS = 5 * 60_000;
/** Simulated time per wall time: a 5-minute install takes 15 s of wall time. */
const SPEED = 20;

export interface CreateBench {
  servers: number;
  simMs: number;
  aimMs: number;
  creates: number;
  /** Instances that exist afterwards (one per server: a create answered 429 is sent again, nothing is doubled). */
  made: number;
  listCalls: number;
  getCalls: number;
  ok: boolean;
}

export async function benchCreates(servers = SERVERS): Promise<CreateBench> {
  const sim = await startSimulator({ speed: SPEED, rateLimits: true, timings: { osInstallMs: INSTALL_MS } });
  try {
    const regions = ['ewr', 'ams', 'fra', 'lax'];
    const dir = await writeProject({
      owner: 'fleet',
      servers: Array.from({ length: servers }, (_, i) => ({ name: `node-${i}`, region: regions[i % regions.length]! })),
      zones: [{ name: 'main', zone: 'example.com', records: Array.from({ length: servers }, (_, i) => ({ name: `node-${i}`, type: 'A' as const, servers: [`node-${i}`] })) }],
    });
    const { project, manifests } = await loadOk(dir);
    const conn = connectEndpoints(simulatorEndpoints(sim), project.providers, { budgets: { vultr: DEFAULT_BUDGETS.vultr, cloudflare: DEFAULT_BUDGETS.cloudflare } });
    const { plan, live } = await observeAndPlan(project, manifests, conn.providers);
    sim.admin.resetCounters();
    const clock = scaledClock(() => sim.admin.now(), SPEED);
    const start = clock.now();
    const result = await applyPlan(plan, {
      providers: conn.providers, zones: live.zones, catalog: live.catalog, snapshots: live.snapshots, servers: live.servers, clock, pollIntervalMs: 5000,
    });
    const simMs = clock.now() - start;
    const counters = sim.admin.counters();
    const createsAtBudget = (servers / DEFAULT_BUDGETS.vultr.limit) * 1000 * SPEED;
    return {
      servers, simMs, aimMs: 1.2 * (INSTALL_MS + createsAtBudget), ok: result.ok,
      creates: counters['POST /v2/instances'] ?? 0, made: sim.admin.dump().vultr.instances.filter((i) => i.label.startsWith('node-')).length, listCalls: counters['GET /v2/instances'] ?? 0, getCalls: counters['GET /v2/instances/:instance-id'] ?? 0,
    };
  } finally {
    await sim.stop();
  }
}

export function printCreates(b: CreateBench): void {
  console.log(`create fleet: apply of ${b.servers} new servers, ${INSTALL_MS / 60_000}-minute installs at ${SPEED}x, default Vultr budget`);
  console.log(`  simulated time ${(b.simMs / 1000).toFixed(0)} s vs aim ${(b.aimMs / 1000).toFixed(0)} s (1.2 × (install + creates at the budget)) = ${(b.simMs / (b.aimMs / 1.2)).toFixed(2)} × (install + creates)${b.ok ? '' : ' (FAILED)'}`);
  console.log(`  create calls ${b.creates} (429s included), servers made ${b.made}, instance listings ${b.listCalls}, single-instance gets ${b.getCalls}`);
}
