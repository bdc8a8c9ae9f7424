/** Test harness: a simulator on 127.0.0.1:0 and the real SDKs pointed at it, with test-sized budgets. */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.ts';
import { connectEndpoints, simulatorEndpoints, type Connection } from '../../src/providers/connect.ts';
import type { RetryPolicy } from '../../src/providers/retry.ts';

export const FAST_RETRY: RetryPolicy = { retries: 6, minDelayMs: 2, maxDelayMs: 20 };

export interface TestSim {
  sim: Simulator;
  conn: Connection;
  stop(): Promise<void>;
}

export async function startTestSim(opts: SimulatorOptions = {}, retry: RetryPolicy = FAST_RETRY): Promise<TestSim> {
  const sim = await startSimulator({ speed: 100_000, rateLimits: false, ...opts });
  const conn = connectEndpoints(simulatorEndpoints(sim), undefined, {
    budgets: { vultr: { limit: 10_000, windowMs: 1000, concurrency: 32 }, cloudflare: { limit: 10_000, windowMs: 1000, concurrency: 32 } },
    retry,
    vultrRateLimitWaitMs: 20,
  });
  return { sim, conn, stop: () => sim.stop() };
}

/** Calls that change something, from the simulator's counters. */
export function writeCalls(sim: Simulator): number {
  return Object.entries(sim.admin.counters())
    .filter(([k]) => !k.startsWith('GET '))
    .reduce((n, [, v]) => n + v, 0);
}
