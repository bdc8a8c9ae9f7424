import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
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

interface Figures {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  bytes: number;
}

/** Fires `total` GETs with `concurrency` in flight over keep-alive loopback connections. */
async function hammer(url: string, token: string, total: number, concurrency: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let bytes = 0;
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        latencies.push(performance.now() - t0);
        resolve();
      });
    });
    req.on('error', reject);
    req.end();
  });
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) await one();
  }));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: total, seconds, p50: at(0.5), p99: at(0.99), bytes };
}

function print(name: string, f: Figures): void {
  const rps = f.requests / f.seconds;
  console.log(`  ${name.padEnd(58)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms  ${(f.bytes / f.requests / 1024).toFixed(0)} KiB/resp`);
}

async function run(sim: Simulator, name: string, path: string, token: string, total: number): Promise<void> {
  await hammer(`${sim.url}${path}`, token, Math.min(50, total), 8); // warm-up
  print(name, await hammer(`${sim.url}${path}`, token, total, 8));
}

/**
 * Simulator throughput on loopback: `GET /v2/instances` over 1,000 instances (per_page 500) and
 * listing 5,000 Cloudflare records, plus a small call for the per-request floor. Bounded: a few
 * thousand requests in total.
 */
export async function benchSimulator(): Promise<void> {
  const sim = await startSimulator({ seed: world(), rateLimits: false });
  try {
    console.log('simulator (127.0.0.1, 8 connections, rate limits off)');
    const v = sim.tokens.vultr;
    const c = sim.tokens.cloudflare;
    await run(sim, 'GET /v2/account', '/v2/account', v, 4000);
    await run(sim, 'GET /v2/instances?per_page=500 (1,001 instances)', '/v2/instances?per_page=500', v, 1000);
    await run(sim, 'GET /v2/instances?per_page=100', '/v2/instances?per_page=100', v, 2000);
    await run(sim, 'GET dns_records?per_page=5000 (5,000 records)', `/client/v4/zones/${BENCH_ZONE}/dns_records?per_page=5000`, c, 200);
    await run(sim, 'GET dns_records?per_page=100 (page 1 of 50)', `/client/v4/zones/${BENCH_ZONE}/dns_records?per_page=100`, c, 2000);
    const mem = process.memoryUsage();
    console.log(`  peak memory: rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MiB (process.resourceUsage maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
  } finally {
    await sim.stop();
  }
}
