/**
 * One request budget per provider API, shared by everything in the process (observe, apply, the
 * controller's loops), so that parallel work never adds up to more than the provider allows.
 * Built on p-queue's strict (sliding-window) mode: at most `limit` calls start in any `windowMs`.
 * A `retry-after` from the provider pauses the whole budget, not just the call that saw it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import PQueue from 'p-queue';
import { sleep } from '../timers.ts';

export type ApiName = 'vultr' | 'cloudflare';

export interface BudgetSettings {
  /** Calls allowed to start in any window. */
  limit: number;
  windowMs: number;
  /** Calls in flight at once (a courtesy to the provider, and what keeps sockets few). */
  concurrency?: number;
  /**
   * Calls per window kept for the failover lane (`inFailoverLane`): other calls may start at most
   * `limit - reserve` per window, so a large apply cannot starve a failover action. Default 0.
   */
  reserve?: number;
}

const lane = new AsyncLocalStorage<'failover'>();

/** Runs `fn` with every budgeted call it makes in the failover lane: reserved capacity, and ahead of the queue. */
export function inFailoverLane<T>(fn: () => Promise<T>): Promise<T> {
  return lane.run('failover', fn);
}

export interface RateBudget {
  readonly api: ApiName;
  /** Runs `fn` when the budget allows; every attempt (retries included) goes through here. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Holds every caller back for `ms` (a provider's retry-after); overlapping holds keep the latest end. */
  holdFor(ms: number): void;
  /** Calls started since the budget was made (for benches and progress). */
  readonly started: number;
}

/**
 * `b`, with `around` wrapped about every attempt it runs (inside the budget's pacing): for counting
 * calls or cutting them off, without a second budget. Everything else is `b`'s own.
 */
export function aroundAttempts(b: RateBudget, around: <T>(fn: () => Promise<T>) => Promise<T>): RateBudget {
  return {
    api: b.api,
    get started() {
      return b.started;
    },
    holdFor: (ms) => b.holdFor(ms),
    run: (fn) => b.run(() => around(fn)),
  };
}

/**
 * How the budget is paced. A per-second limit is spent in fifths: a burst of 25 calls started at
 * once reaches the provider unevenly, and up to ~35 of them can land in one of its 1-second windows
 * (seen as 429s in the fleet-rebuild bench). Longer windows (Cloudflare's 5 minutes) keep bursts.
 */
export function paceOf(settings: BudgetSettings): { intervalCap: number; interval: number } {
  const slices = 5;
  if (settings.windowMs > 1000 || settings.limit < slices) return { intervalCap: settings.limit, interval: settings.windowMs };
  return { intervalCap: Math.floor(settings.limit / slices), interval: settings.windowMs / slices };
}

export function createRateBudget(api: ApiName, settings: BudgetSettings): RateBudget {
  const queue = new PQueue({
    ...paceOf(settings),
    strict: true,
    concurrency: settings.concurrency ?? 16,
  });
  const reserve = Math.min(settings.reserve ?? 0, settings.limit - 1);
  // Everything outside the failover lane passes this gate first, which leaves `reserve` per window free.
  const gate = reserve > 0 ? new PQueue({ ...paceOf({ ...settings, limit: settings.limit - reserve }), strict: true, concurrency: settings.concurrency ?? 16 }) : undefined;
  let holdUntil = 0;
  let hold: AbortController | undefined;
  let started = 0;
  return {
    api,
    get started() {
      return started;
    },
    run<T>(fn: () => Promise<T>): Promise<T> {
      const job = () => {
        started += 1;
        return fn();
      };
      if (lane.getStore() === 'failover') return queue.add(job, { priority: 1 }) as Promise<T>;
      return (gate ? gate.add(() => queue.add(job)) : queue.add(job)) as Promise<T>;
    },
    holdFor(ms: number) {
      const until = Date.now() + ms;
      if (until <= holdUntil) return;
      holdUntil = until;
      queue.pause();
      hold?.abort();
      const current = new AbortController();
      hold = current;
      // Through `sleep`: a far-off retry-after never overflows a timer, and the wait keeps the process
      // alive (an unref'd hold once let Node run out of work mid-command: exit 13, no output).
      sleep(ms, current.signal).then(
        () => {
          if (hold === current) queue.start();
        },
        () => {},
      );
    },
  };
}

/** Default budgets: Vultr ≤ 30 requests/s (keelson.yaml default 25); Cloudflare 1,200 per 5 minutes (default 1,100). */
export const DEFAULT_BUDGETS: Record<ApiName, BudgetSettings> = {
  vultr: { limit: 25, windowMs: 1000 },
  cloudflare: { limit: 1100, windowMs: 5 * 60_000 },
};

const shared = new Map<ApiName, RateBudget>();

/**
 * The process-wide budget of an API. The first caller's settings win; later callers share it, which
 * is the point: two providers built in one process still draw from one budget.
 */
export function sharedBudget(api: ApiName, settings: BudgetSettings = DEFAULT_BUDGETS[api]): RateBudget {
  let budget = shared.get(api);
  if (!budget) {
    budget = createRateBudget(api, settings);
    shared.set(api, budget);
  }
  return budget;
}
