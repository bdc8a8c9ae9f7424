/**
 * Fleet rebuild bench: 50 servers rebuilt from a snapshot with simulated 5-minute installs, 10 at a
 * time, through the real SDKs into the simulator with its real rate limits on. Prints wall time
 * against the lower bound (5 waves × the install time), Vultr and Cloudflare calls, and 429s seen.
 */
import { scaledClock } from '../src/workflows/clock.ts';
import { rebuildFleet } from '../src/workflows/fleet.ts';
import { OWNER, startWorld } from '../test/helpers/sim-world.ts';
import { ownedInstances } from '../test/helpers/invariants.ts';

const SERVERS = 50;
const CONCURRENCY = 10;
const INSTALL_MS = 5 * 60_000;
/** Simulated time per wall time: a 5-minute install takes 15 s of wall time. */
const SPEED = 20;

export async function benchRebuild(): Promise<void> {
  const statuses = { vultr429: 0, cloudflare429: 0 };
  const world = await startWorld({
    servers: SERVERS,
    // Drain is the records' TTL in real use; the bound below counts installs only, so the bench drains for 0 s.
    rebuild: { drain: 0 },
    sim: {
      speed: SPEED,
      rateLimits: true,
      timings: { snapshotInstallMs: INSTALL_MS, snapshotMs: 60_000 },
      onResponse: (e) => {
        if (e.status === 429) statuses[e.api === 'vultr' ? 'vultr429' : 'cloudflare429']++;
      },
    },
  });
  try {
    const admin = world.sim.admin;
    const clock = scaledClock(() => admin.now(), SPEED);
    // keelson's default 25 requests/s, spread as 5 per 200 ms: a full 1 s burst, started at once, arrives at the
    // provider with the jitter of its first requests and can put more than Vultr's 30 into one of its sliding seconds.
    const providers = world.providers(undefined, { limit: 5, windowMs: 200 });
    // A warm process, as a controller is: the SDKs' first calls load code, which would bunch the first wave's requests.
    await Promise.all([providers.compute.listServers(), providers.compute.listSnapshots(), providers.dns.listZones()]);
    admin.resetCounters();
    const start = Date.now();
    const cpu = process.cpuUsage();
    const out = await rebuildFleet({ providers, owner: OWNER, manifests: world.manifests, clock, pollInterval: 10_000 }, world.names, CONCURRENCY);
    const wall = Date.now() - start;
    const used = process.cpuUsage(cpu);
    const counters = Object.entries(admin.counters());
    const calls = (prefix: string): number => counters.filter(([k]) => k.split(' ')[1]?.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);
    const bound = (Math.ceil(SERVERS / CONCURRENCY) * INSTALL_MS) / SPEED;
    const owned = ownedInstances(admin, OWNER);
    const ok = world.names.every((n) => owned.get(n)?.length === 1 && owned.get(n)![0] !== world.oldIds.get(n));
    console.log(`rebuild fleet: ${SERVERS} servers, concurrency ${CONCURRENCY}, ${INSTALL_MS / 60_000}-minute installs at ${SPEED}x`);
    console.log(`  rebuilt ${out.results.length}, failed ${out.failures.length}, every server replaced exactly once: ${ok}`);
    console.log(`  wall ${(wall / 1000).toFixed(1)} s vs lower bound ${(bound / 1000).toFixed(1)} s (${Math.ceil(SERVERS / CONCURRENCY)} waves × install) = ${(wall / bound).toFixed(2)}x`);
    console.log(`  vultr calls ${calls('/v2')} (${(calls('/v2') / SERVERS).toFixed(1)} per server), cloudflare calls ${calls('/client/v4')}, 429s: vultr ${statuses.vultr429}, cloudflare ${statuses.cloudflare429}`);
    console.log(`  cpu ${((used.user + used.system) / 1000).toFixed(0)} ms`);
    for (const f of out.failures.slice(0, 5)) console.log(`  failure: ${f.error}`);
  } finally {
    await world.sim.stop();
  }
}
