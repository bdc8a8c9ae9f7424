import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Figures, LoadJob } from './load.ts';
import { defaultWorld, seedInstance, startSimulator, type Simulator } from '../src/sim/index.ts';
import type { SimRecord } from '../src/sim/types.ts';

const BENCH_ZONE = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';

function world() {
  const base = defaultWorld();
  const instances = Array.from({ length: 1000 }, (_, i) => seedInstance({ id: `bench-${String(i).padStart(4, '0')}`, ip: `198.18.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`, label: `bench-${i}` }));
  const records: SimRecord[] = Array.from({ length: 5000 }, (_, i) => ({
    id: randomBytes(16).toString('hex'), zone_id: BENCH_ZONE, name: `h${i}.bench.example`, type: 'A', content: `203.0.113.${(i % 254) + 1}`,
    ttl: 1, proxied: false, comment: `keelson:h${i}`, tags: [], settings: {}, created_on: '2024-01-01T00:00:00.000000Z', modified_on: '2024-01-01T00:00:00.000000Z',
  }));
  return {
    vultr: { ...base.vultr, instances: [...base.vultr.instances, ...instances] },
    cloudflare: {
      zones: [...base.cloudflare.zones, { ...base.cloudflare.zones[1]!, id: BENCH_ZONE, name: 'bench.example', plan: 'enterprise' as const, recordQuota: 10_000 }],
      records: [...base.cloudflare.records, ...records],
    },
  };
}

/** Runs load jobs on a worker thread, one at a time. */
class LoadWorker {
  // Workers do not inherit tsx's loader: the bootstrap registers it in the worker, then loads the TS module.
  private readonly worker = new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./load.ts', import.meta.url).href)}); });`,
    { eval: true },
  );

  run(job: LoadJob): Promise<Figures> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: { ok?: Figures; error?: string }) => (m.ok ? resolve(m.ok) : reject(new Error(m.error))));
      this.worker.postMessage(job);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

function print(name: string, f: Figures, busy: number): void {
  const rps = f.requests / f.seconds;
  const mibs = f.bytes / f.seconds / 1048576;
  console.log(
    `  ${name.padEnd(50)} ${rps.toFixed(0).padStart(6)} req/s ${mibs.toFixed(0).padStart(5)} MiB/s  p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms  ` +
      `${(f.bytes / f.requests / 1024).toFixed(0)} KiB/resp  server busy ${(busy * 100).toFixed(0)}%`,
  );
}

async function run(load: LoadWorker, sim: Simulator, name: string, path: string, token: string, total: number): Promise<void> {
  const url = `${sim.url}${path}`;
  await load.run({ url, token, total: Math.min(500, total), concurrency: 8 }); // warm-up (JIT, caches)
  // Event-loop utilisation of this (the server's) thread: below 100% the server was waiting on the
  // client or the kernel, so its own ceiling is higher than the req/s shown.
  const before = performance.eventLoopUtilization();
  const figures = await load.run({ url, token, total, concurrency: 8 });
  print(name, figures, performance.eventLoopUtilization(before).utilization);
}

/**
 * The loopback ceiling for a body size: a bare node:http server answering every request with one
 * preallocated buffer, measured the same way. What the simulator cannot beat for that size.
 */
async function ceiling(load: LoadWorker, name: string, size: number, total: number): Promise<void> {
  const body = Buffer.alloc(size, 0x20);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    await load.run({ url, token: '-', total: Math.min(500, total), concurrency: 8 });
    const before = performance.eventLoopUtilization();
    const figures = await load.run({ url, token: '-', total, concurrency: 8 });
    print(name, figures, performance.eventLoopUtilization(before).utilization);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Simulator throughput on loopback (the load runs on a worker thread, so the server keeps a core): `GET /v2/instances` over 1,000 instances (per_page 500) and
 * listing 5,000 Cloudflare records, plus a small call for the per-request floor. Bounded: a few
 * thousand requests in total.
 */
export async function benchSimulator(): Promise<void> {
  const sim = await startSimulator({ seed: world(), rateLimits: false });
  const load = new LoadWorker();
  try {
    console.log('simulator (127.0.0.1, 8 keep-alive connections from a load worker thread, rate limits off)');
    const v = sim.tokens.vultr;
    const c = sim.tokens.cloudflare;
    await run(load, sim, 'GET /v2/account', '/v2/account', v, 4000);
    await run(load, sim, 'GET /v2/instances?per_page=500 (1,001 instances)', '/v2/instances?per_page=500', v, 3000);
    await run(load, sim, 'GET /v2/instances?per_page=100', '/v2/instances?per_page=100', v, 4000);
    await run(load, sim, 'GET dns_records?per_page=5000 (5,000 records)', `/client/v4/zones/${BENCH_ZONE}/dns_records?per_page=5000`, c, 600);
    await run(load, sim, 'GET dns_records?per_page=100 (page 1 of 50)', `/client/v4/zones/${BENCH_ZONE}/dns_records?per_page=100`, c, 4000);
    console.log('loopback ceiling (bare node:http server, one preallocated body, same client)');
    await ceiling(load, 'static 278 KiB body', 278 * 1024, 3000);
    await ceiling(load, 'static 1,490 KiB body', 1490 * 1024, 600);
    const mem = process.memoryUsage();
    console.log(`  peak memory: rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MiB (process.resourceUsage maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
  } finally {
    await load.stop();
    await sim.stop();
  }
}
