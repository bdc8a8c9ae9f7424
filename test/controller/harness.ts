/** A controller in-process on a real bare git remote and the simulator, on an injected clock. */
import { join } from 'node:path';
import { GitSource } from '../../src/controller/git-source.ts';
import { Controller } from '../../src/controller/loop.ts';
import { createMetrics, countingBudget, type ControllerMetrics } from '../../src/controller/metrics.ts';
import type { ControllerClock, ControllerOptions } from '../../src/controller/options.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { createRateBudget } from '../../src/providers/rate-budget.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { createGitRemote, type GitRemote } from '../helpers/git-remote.ts';
import { FAST_RETRY } from '../helpers/sim.ts';

export interface Harness {
  remote: GitRemote;
  source: GitSource;
  controller: Controller;
  metrics: ControllerMetrics;
  clock: ControllerClock & { advance(ms: number): void };
  cleanup(): Promise<void>;
}

/** A clock that moves only when told; sleeps end when time reaches them or on abort. */
export function testClock(start = Date.parse('2026-01-05T12:00:00Z')): ControllerClock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms), sleep: (_ms, signal) => new Promise((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true }))) };
}

export async function startHarness(sim: Simulator, extra: Partial<ControllerOptions> & { allowedSigners?: string; remote?: GitRemote } = {}): Promise<Harness> {
  const remote = extra.remote ?? (await createGitRemote());
  const source = new GitSource({ repo: remote.url, branch: 'main', path: '.', stateDir: join(remote.root, 'state'), ...(extra.allowedSigners && { allowedSigners: extra.allowedSigners }) });
  const metrics = createMetrics({ processMetrics: false });
  const clock = testClock();
  const settings = { limit: 10_000, windowMs: 1000, concurrency: 32 };
  const conn = connectEndpoints(simulatorEndpoints(sim), undefined, {
    budgets: { vultr: countingBudget(createRateBudget('vultr', settings), metrics), cloudflare: countingBudget(createRateBudget('cloudflare', settings), metrics) },
    retry: FAST_RETRY, vultrRateLimitWaitMs: 20,
  });
  const controller = new Controller({
    source, branch: 'main', intervalMs: 60_000, driftIntervalMs: 600_000, selfHeal: true, clock, random: () => 0.5, metrics,
    connect: async () => conn,
    workflow: (project, manifests, c) => ({ providers: c.providers, owner: project.owner, manifests, clock: { now: () => sim.admin.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms / 1000)) }, pollInterval: 1000, probe: async () => ({ ok: true }) }),
    ...extra,
  });
  return {
    remote, source, controller, metrics, clock,
    cleanup: async () => {
      await controller.stop();
      await source.close();
      await remote.cleanup();
    },
  };
}

/** Opens the source once the first commit exists (a clone needs the branch). */
export async function openSource(h: Harness): Promise<void> {
  await h.source.open();
}
