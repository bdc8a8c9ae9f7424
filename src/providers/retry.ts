/**
 * Retries for provider calls: backoff with jitter (p-retry), for retryable errors only, every attempt
 * drawn from the API's rate budget. keelson owns retries for both APIs (the Cloudflare SDK is built
 * with `maxRetries: 0`), so attempts are counted once and never multiplied by a second loop.
 *
 * Writes are retried only when the failure proves nothing was applied (a 429, or a 5xx/connection
 * error on a call that is idempotent). An ambiguous write failure is thrown as it is: the caller
 * resolves it by looking (for a server by its operation tag; for records by listing the zone).
 */
import pRetry from 'p-retry';
import { ProviderError } from '../errors.ts';
import type { RateBudget } from './rate-budget.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, minDelayMs: 200, maxDelayMs: 10_000 };

export interface CallOptions {
  budget: RateBudget;
  policy: RetryPolicy;
  /** Turns whatever the SDK threw or returned as a failure into a classified `ProviderError`. */
  classify: (err: unknown) => ProviderError;
  /** True when repeating the call cannot do the work twice (reads, deletes, PATCHes). */
  idempotent: boolean;
}

/** Whether a failure may have been applied at the provider even though the caller saw an error. */
export function isAmbiguous(err: ProviderError): boolean {
  return err.retryable && err.status !== 429;
}

/** Runs one provider call under the budget, retrying retryable failures that are safe to repeat. */
export async function callProvider<T>(fn: () => Promise<T>, opts: CallOptions): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await opts.budget.run(fn);
      } catch (err) {
        throw opts.classify(err);
      }
    },
    {
      retries: opts.policy.retries,
      minTimeout: opts.policy.minDelayMs,
      maxTimeout: opts.policy.maxDelayMs,
      factor: 2,
      randomize: true,
      onFailedAttempt: ({ error }) => {
        if (error instanceof ProviderError && error.opts.retryAfterMs) opts.budget.holdFor(error.opts.retryAfterMs);
      },
      shouldRetry: ({ error }) =>
        error instanceof ProviderError && error.retryable && (opts.idempotent || !isAmbiguous(error)),
    },
  );
}

/**
 * Does a non-idempotent write at most once in effect: `look` finds the work already done (by an
 * earlier attempt, or an interrupted run) and is asked before the first attempt when `lookFirst`, and
 * after every ambiguous failure; `act` runs only when `look` found nothing. Other failures are thrown.
 */
export async function writeOnce<T>(opts: { attempts: number; lookFirst: boolean; look: () => Promise<T | undefined>; act: () => Promise<T> }): Promise<T> {
  let last: ProviderError | undefined;
  for (let attempt = 0; attempt < opts.attempts; attempt++) {
    if (attempt > 0 || opts.lookFirst) {
      const found = await opts.look();
      if (found !== undefined) return found;
    }
    try {
      return await opts.act();
    } catch (err) {
      if (!(err instanceof ProviderError) || !isAmbiguous(err)) throw err;
      last = err;
    }
  }
  throw last ?? new Error('writeOnce needs at least one attempt');
}
