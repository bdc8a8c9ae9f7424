/** Retry and polling delays for the controller's loop. Pure. */

export const BACKOFF_MIN_MS = 5_000;
export const BACKOFF_MAX_MS = 300_000;

/**
 * The wait before retry number `attempt` (1-based) of a failed reconcile: 5 s doubling to 5 min,
 * with ±20 % jitter so that many controllers failing together do not retry together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(Math.max(0, attempt - 1), 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The poll interval with ±10 % jitter. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.9 + 0.2 * random()));
}
