/**
 * Failover bench: one record set of two reachable simulated servers, probed for real over HTTP with
 * scaled intervals (100 ms, thresholds 2 down / 2 up, 200 ms hold-down). 20 trials each kill one
 * target and bring it back. Prints the medians of detection time (dead → record removed) and recovery
 * time (back → record re-added), in wall ms and in probe intervals, and Cloudflare calls per action.
 */
import { realClock } from '../src/apply/types.ts';
import { startFailover } from '../src/failover/index.ts';
import { OWNER, startFailoverWorld } from '../test/helpers/failover-world.ts';

const TRIALS = 20;
const INTERVAL = 100;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function benchFailover(): Promise<void> {
  const w = await startFailoverWorld({ names: 1, perName: 2, check: { interval: INTERVAL, timeout: 500 }, policy: { holdDown: 200 } });
  let check: (() => void) | undefined;
  const until = (cond: () => boolean) => new Promise<void>((resolve) => (check = () => cond() && resolve()));
  const loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, onRound: () => check?.() });
  const fqdn = 'app-0.example.com';
  const target = w.sets.get(fqdn)![0]!;
  const address = w.address(target);
  const detect: number[] = [];
  const recover: number[] = [];
  const cf = (write: boolean): number => Object.entries(w.sim.admin.counters()).filter(([k]) => k.includes('/client/v4/') && k.startsWith('GET ') !== write).reduce((n, [, v]) => n + v, 0);
  try {
    await until(() => loop.status().every((s) => s.probes > 0));
    const start = { reads: cf(false), writes: cf(true) };
    for (let i = 0; i < TRIALS; i++) {
      let t = performance.now();
      await w.sim.admin.addReachFault(target, { kind: 'down' });
      await until(() => !w.inDns(fqdn).includes(address));
      detect.push(performance.now() - t);
      t = performance.now();
      await w.sim.admin.clearReachFaults(target);
      await until(() => w.inDns(fqdn).includes(address));
      recover.push(performance.now() - t);
    }
    const actions = 2 * TRIALS;
    const writes = cf(true) - start.writes;
    const reads = cf(false) - start.reads;
    process.stdout.write(
      `failover: ${TRIALS} trials, one record set of 2 servers, interval ${INTERVAL} ms, 2 failures down, 2 passes + 200 ms hold-down up\n` +
        `  detection median   ${median(detect).toFixed(0)} ms (${(median(detect) / INTERVAL).toFixed(1)} intervals; bound interval × unhealthyThreshold = ${2 * INTERVAL} ms + a round)\n` +
        `  recovery median    ${median(recover).toFixed(0)} ms (${(median(recover) / INTERVAL).toFixed(1)} intervals)\n` +
        `  Cloudflare calls   ${(writes / actions).toFixed(2)} writes per failover action (${writes} for ${actions}); ${reads} reads in all (zone and record listing once, then the cache)\n`,
    );
  } finally {
    await loop.stop();
    await w.sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFailover();
