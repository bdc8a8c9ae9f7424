/**
 * Whole-process plan bench: `keelson plan` (bin/keelson.js, the compiled dist/) as a user or CI runs
 * it, at 100, 1,000 and 3,000 servers (three records per server) against a simulator in another process
 * at 50 ms per call. Start-up, manifest loading, observe and plan all count. Each run is paired with a
 * `node -e 0` run just before it, so the figures can be read against the machine's load.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadNote } from './machine.ts';
import { startRemoteSim } from './remote-sim.ts';
import { fleetProject, fleetWorld } from './world.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'keelson.js');

export interface PlanCliFigures {
  servers: number;
  records: number;
  wallMs: number;
  nodeMs: number;
  apiCalls: number;
  code: number | null;
}

function timed(args: string[], env: NodeJS.ProcessEnv): { ms: number; code: number | null; stderr: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - start, code: r.status, stderr: r.stderr.toString() };
}

export async function benchPlanCli(sizes = [100, 1000, 3000], latencyMs = 50): Promise<PlanCliFigures[]> {
  const out: PlanCliFigures[] = [];
  for (const servers of sizes) {
    const records = servers * 3;
    const sim = await startRemoteSim(fleetWorld(servers, records), latencyMs);
    const root = await fleetProject(servers, records);
    try {
      const env = {
        PATH: process.env.PATH ?? '', NO_COLOR: '1',
        VULTR_API_KEY: sim.endpoints.vultr.apiKey, VULTR_BASE_URL: sim.endpoints.vultr.baseUrl ?? '',
        CLOUDFLARE_API_TOKEN: sim.endpoints.cloudflare.apiToken, CLOUDFLARE_BASE_URL: sim.endpoints.cloudflare.baseURL ?? '',
      };
      const node = timed(['-e', '0'], env);
      await sim.resetCounters();
      const run = timed([BIN, 'plan', '--dir', root], env);
      if (run.code !== 0) throw new Error(`keelson plan exited ${run.code} at ${servers} servers (expected 0, no changes): ${run.stderr.slice(0, 500)}`);
      const apiCalls = Object.values(await sim.counters()).reduce((a, b) => a + b, 0);
      out.push({ servers, records, wallMs: run.ms, nodeMs: node.ms, apiCalls, code: run.code });
    } finally {
      await sim.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
  return out;
}

export function printPlanCli(figures: PlanCliFigures[]): void {
  console.log(`keelson plan, the whole process (start-up, load, observe, plan), simulator at 50 ms per call (${loadNote()})`);
  for (const f of figures) {
    console.log(`  ${String(f.servers).padStart(5)} servers, ${String(f.records).padStart(5)} records  ${(f.wallMs / 1000).toFixed(2)} s wall (${(f.wallMs / f.nodeMs).toFixed(1)}× the node -e 0 just before it, ${f.nodeMs.toFixed(0)} ms)  ${f.apiCalls} API calls  exit ${f.code}`);
  }
}
