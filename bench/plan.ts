/**
 * Plan bench: 1,000 servers and 3,000 records at the simulator, 50 ms latency per call. Prints wall
 * time of observe + plan, API calls against the minimum pagination allows, and peak memory.
 */
import { loadProject } from '../src/manifest/load-project.ts';
import { observeAndPlan, observeScope } from '../src/pipeline.ts';
import { connectEndpoints } from '../src/providers/connect.ts';
import { startRemoteSim, type RemoteSim } from './remote-sim.ts';
import { fleetProject, fleetWorld } from './world.ts';

export interface PlanBench {
  servers: number;
  records: number;
  wallMs: number;
  apiCalls: number;
  minimumCalls: number;
  peakRssMb: number;
  /** RSS before the manifests are loaded: Node, tsx and keelson's modules. */
  baseRssMb: number;
  changes: number;
}

/** The world is the simulator's and lives in its process; keelson's keeps only its counts. */
async function startFleetSim(servers: number, records: number, latencyMs: number): Promise<{ sim: RemoteSim; instances: number; zones: number }> {
  const world = fleetWorld(servers, records);
  return { sim: await startRemoteSim(world, latencyMs), instances: world.vultr.instances.length, zones: world.cloudflare.zones.length };
}

export async function benchPlan(servers = 1000, records = 3000, latencyMs = 50): Promise<PlanBench> {
  const { sim, instances, zones } = await startFleetSim(servers, records, latencyMs);
  try {
    const root = await fleetProject(servers, records);
    const baseRssMb = process.memoryUsage().rss / 1048576;
    const loaded = await loadProject(root);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const conn = connectEndpoints(sim.endpoints, loaded.project.providers);
    await sim.resetCounters();
    const start = performance.now();
    const { plan } = await observeAndPlan(loaded.project, loaded.manifests, conn.providers);
    const wallMs = performance.now() - start;
    const apiCalls = Object.values(await sim.counters()).reduce((a, b) => a + b, 0);
    const regions = observeScope(loaded.manifests).regions.length;
    // instances (500 per page), snapshots, regions, plans, os, ssh keys, scripts, availability per
    // region used; zones (50 per page), and each zone's records (5,000 per page).
    const minimumCalls = Math.ceil(instances / 500) + 1 + 5 + regions + Math.ceil(zones / 50) + zones;
    return { servers, records, wallMs, apiCalls, minimumCalls, peakRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb, changes: plan.changes.length };
  } finally {
    await sim.stop();
  }
}
