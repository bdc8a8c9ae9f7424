/**
 * Time as the workflows see it: the apply stage's injected clock (src/apply/types.ts), plus what a
 * workflow needs on top — sleeps that end early on abort, and time that runs faster than the wall for
 * tests and benches against a simulator.
 */
import type { ApplyClock } from '../apply/types.ts';
import { sleep } from '../timers.ts';

export type Clock = ApplyClock;

/**
 * Time that runs `speed` times faster than the wall, read from `now` (e.g. the simulator's clock),
 * so that a workflow waiting "five minutes" against a simulator at speed 100 waits three seconds.
 */
export function scaledClock(now: () => number, speed: number): Clock {
  return { now, sleep: (ms) => sleep(ms / speed) };
}

/** Throws the signal's reason when it has been aborted: the check between steps of a workflow. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** `clock.sleep(ms)` that rejects as soon as `signal` aborts (a long drain must not outlive a kill). */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  checkAborted(signal);
  if (!signal) return clock.sleep(ms);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
