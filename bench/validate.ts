/**
 * Validation benchmark: 5,000 documents in 500 files (servers, zones whose records target them,
 * deployments, pools, snapshots, notifiers), loaded and validated by `loadProject`. Prints wall
 * time and peak memory; never asserted (aim: under 2 s and 200 MB on a 2-core machine).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../src/manifest/load-project.ts';
import { loadNote } from './machine.ts';

const FILES = 500;
const DOCS_PER_FILE = 10;
const REGIONS = ['ewr', 'ord', 'dfw', 'lax', 'sea', 'ams', 'fra', 'lhr', 'sgp', 'nrt', 'syd'];

const doc = (kind: string, name: string, labels: string, spec: string): string =>
  `apiVersion: keelson.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  labels: {${labels}}\nspec:\n${spec}`;

/** File f: one RegionPool, one Snapshot, six Servers, one DNSZone naming them, one Deployment. */
function fileText(f: number): string {
  const docs: string[] = [];
  const pool = `pool-${f}`;
  docs.push(doc('RegionPool', pool, '', `  regions: [${REGIONS.slice(f % 5, (f % 5) + 3).join(', ')}]\n`));
  docs.push(doc('Snapshot', `golden-${f}`, '', `  fromServer: builder-${f}\n  refresh:\n    schedule: "0 2 * * 0"\n`));
  docs.push(doc('Server', `builder-${f}`, 'role: builder', `  regionPool: ${pool}\n  plan: vc2-1c-1gb\n  image:\n    os: Ubuntu 24.04 LTS x64\n`));
  for (let s = 0; s < 5; s++) {
    docs.push(doc('Server', `vpn-${f}-${s}`, `role: vpn, shard: s${f}`, `  regionPool: ${pool}\n  plan: vc2-1c-1gb\n  image:\n    snapshot: golden-${f}\n  healthCheck:\n    type: tcp\n    port: 51820\n  dns:\n    - zone: zone-${f}\n      name: c${s}\n  rebuild:\n    schedule: "0 4 * * ${s}"\n    rotateRegions: true\n    jitter: 30m\n  destroyHooks:\n    - name: billing\n      webhook:\n        url: https://billing.example.com/hooks/${f}/${s}\n`));
  }
  docs.push(doc('DNSZone', `zone-${f}`, '', `  zone: z${f}.example.net\n  records:\n    - name: "@"\n      type: A\n      serverSelector:\n        matchLabels: {shard: s${f}}\n      failover:\n        check: {port: 51820, type: tcp}\n    - name: www\n      type: CNAME\n      value: z${f}.example.net\n`));
  docs.push(doc('Deployment', `agent-${f}`, '', `  targets:\n    selector:\n      matchLabels: {shard: s${f}}\n  container:\n    image: registry.example.com/agent:1\n  proxy:\n    nginx:\n      upstreamFile: /etc/nginx/conf.d/agent.conf\n      upstreamName: agent\n`));
  if (docs.length !== DOCS_PER_FILE) throw new Error('bench fixture must hold 10 documents per file');
  return docs.join('---\n');
}

export async function benchValidate(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'keelson-bench-'));
  try {
    writeFileSync(join(root, 'keelson.yaml'), 'apiVersion: keelson.dev/v1\nkind: Project\nmetadata:\n  name: bench\nspec:\n  owner: bench\n');
    mkdirSync(join(root, 'manifests'));
    for (let f = 0; f < FILES; f++) writeFileSync(join(root, 'manifests', `f${String(f).padStart(3, '0')}.yaml`), fileText(f));
    let peakHeap = 0;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await loadProject(root);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (!result.ok) throw new Error(`bench fixture is invalid: ${result.problems[0]?.message}`);
    const docs = [...Object.values(result.manifests)].reduce((n, m: Map<string, unknown>) => n + m.size, 0);
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log(`validate: ${docs} documents in ${FILES} files: ${ms.toFixed(0)} ms wall (${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; wall grows on a busy machine), peak heap ${mb(peakHeap)}, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (RSS before ${mb(rssBefore)}; ${loadNote()})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
