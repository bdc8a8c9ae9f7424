/**
 * Time as the workflows see it. Everything that waits (installs, drains, polls) goes through a
 * `Clock`, so tests and benches run workflows against a simulator whose time runs faster than the
 * wall, or stands still until the test moves it.
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function wallSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Real time. */
export const systemClock: Clock = { now: () => Date.now(), sleep: wallSleep };

/**
 * Time that runs `speed` times faster than the wall, read from `now` (e.g. the simulator's clock),
 * so that a workflow waiting "five minutes" against a simulator at speed 100 waits three seconds.
 */
export function scaledClock(now: () => number, speed: number): Clock {
  return { now, sleep: (ms, signal) => wallSleep(ms / speed, signal) };
}

/** Throws the signal's reason when it has been aborted: the check between steps of a workflow. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
