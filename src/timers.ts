/**
 * Sleeping for any length of time. A Node timer holds at most 2^31-1 ms (about 24.8 days): a longer
 * delay fires after 1 ms with a TimeoutOverflowWarning, which once turned a 25-day drain into none.
 * Every wait in keelson that can be long (clocks, rate-budget holds) sleeps through `sleep`, which
 * chains timers of at most that length. Usable by any module (apply, workflows, deploy, controller).
 */

/** The longest delay one Node timer can hold. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms` (negative or non-finite counts as 0), or
 * rejects with the signal's reason once it aborts. Keeps the process alive while it waits.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  const total = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const end = Date.now() + total;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const step = (left: number): void => {
      timer = setTimeout(() => {
        const rest = end - Date.now();
        if (rest > 0) return step(rest);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(left, MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    step(total);
  });
}
