/**
 * Apply bench: 1,000 record creates in one Free zone (batches of at most 200) at 50 ms latency per
 * call. Prints Cloudflare write calls (aim: ≤ 1 per 200 records) and wall time.
 */
import { applyPlan } from '../src/apply/executor.ts';
import { loadProject } from '../src/manifest/load-project.ts';
import { observeAndPlan } from '../src/pipeline.ts';
import { connectEndpoints } from '../src/providers/connect.ts';
import { defaultWorld } from '../src/sim/index.ts';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startRemoteSim } from './remote-sim.ts';

export interface ApplyBench {
  records: number;
  wallMs: number;
  cloudflareWrites: number;
  ok: boolean;
}

export async function benchApply(records = 1000, latencyMs = 50): Promise<ApplyBench> {
  const world = defaultWorld();
  world.cloudflare.zones.find((z) => z.name === 'example.com')!.recordQuota = records + 100;
  const sim = await startRemoteSim(world, latencyMs);
  try {
    const root = await mkdtemp(join(tmpdir(), 'keelson-bench-'));
    await mkdir(join(root, 'manifests'));
    await writeFile(join(root, 'keelson.yaml'), stringify({ apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 'b' }, spec: { owner: 'bench' } }));
    const recs = Array.from({ length: records }, (_, i) => ({ name: `r-${i}`, type: 'TXT', value: `v ${i}` }));
    await writeFile(join(root, 'manifests', 'zone.yaml'), stringify({ apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: 'com' }, spec: { zone: 'example.com', records: recs } }));
    const loaded = await loadProject(root);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const conn = connectEndpoints(sim.endpoints, loaded.project.providers);
    const { plan, live } = await observeAndPlan(loaded.project, loaded.manifests, conn.providers);
    await sim.resetCounters();
    const start = performance.now();
    const result = await applyPlan(plan, { providers: conn.providers, zones: live.zones });
    const wallMs = performance.now() - start;
    const cloudflareWrites = Object.entries(await sim.counters()).filter(([k]) => !k.startsWith('GET ') && k.includes('/client/v4/')).reduce((n, [, v]) => n + v, 0);
    return { records, wallMs, cloudflareWrites, ok: result.ok };
  } finally {
    await sim.stop();
  }
}
