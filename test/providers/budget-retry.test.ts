/** The rate budget and the retry policy, with fake timers: counts, never timings. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors.ts';
import { createRateBudget, paceOf } from '../../src/providers/rate-budget.ts';
import { callProvider, writeOnce } from '../../src/providers/retry.ts';
import { lineReporter } from '../../src/apply/progress.ts';

afterEach(() => {
  vi.useRealTimers();
});

const policy = { retries: 3, minDelayMs: 1, maxDelayMs: 2 };
const fail = (status: number | undefined) => new ProviderError('vultr', 'op', 'x', {
  status, retryable: status === undefined || status === 429 || status >= 500,
  reason: status === undefined ? 'connection' : status === 429 ? 'rate-limit' : status >= 500 ? 'server' : 'invalid',
});

describe('rate budget', () => {
  it('starts at most `limit` calls in a window; the rest wait for the next', async () => {
    vi.useFakeTimers();
    const budget = createRateBudget('vultr', { limit: 5, windowMs: 10_000 });
    let started = 0;
    const calls = Array.from({ length: 12 }, () => budget.run(async () => void started++));
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toBe(5);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(10);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(calls);
    expect(started).toBe(12);
  });

  it('spends a per-second limit in fifths, so a burst never crowds one provider window', async () => {
    vi.useFakeTimers();
    const budget = createRateBudget('vultr', { limit: 25, windowMs: 1000 });
    let started = 0;
    const calls = Array.from({ length: 60 }, () => budget.run(async () => void started++));
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toBe(5);
    await vi.advanceTimersByTimeAsync(980);
    expect(started).toBe(25);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(calls);
    expect(started).toBe(60);
    expect(paceOf({ limit: 1100, windowMs: 300_000 })).toEqual({ intervalCap: 1100, interval: 300_000 });
  });

  it('a retry-after hold stops every caller until it ends', async () => {
    vi.useFakeTimers();
    const budget = createRateBudget('cloudflare', { limit: 100, windowMs: 1000 });
    budget.holdFor(5000);
    let started = 0;
    const call = budget.run(async () => void started++);
    await vi.advanceTimersByTimeAsync(4000);
    expect(started).toBe(0);
    await vi.advanceTimersByTimeAsync(1500);
    await call;
    expect(started).toBe(1);
  });
});

describe('retries', () => {
  const budget = createRateBudget('vultr', { limit: 1000, windowMs: 1000 });
  const classify = (e: unknown) => e as ProviderError;

  it('retries a retryable read until it succeeds', async () => {
    let n = 0;
    const out = await callProvider(async () => (++n < 3 ? Promise.reject(fail(503)) : 'ok'), { budget, policy, classify, idempotent: true });
    expect([out, n]).toEqual(['ok', 3]);
  });

  it('never retries a client error, nor an ambiguous write; a 429 write is retried', async () => {
    let n = 0;
    const failing = (status: number) => async () => {
      n++;
      throw fail(status);
    };
    await expect(callProvider(failing(400), { budget, policy, classify, idempotent: true })).rejects.toThrow();
    expect(n).toBe(1);
    n = 0;
    await expect(callProvider(failing(500), { budget, policy, classify, idempotent: false })).rejects.toThrow();
    expect(n).toBe(1);
    n = 0;
    const out = await callProvider(async () => (++n < 2 ? Promise.reject(fail(429)) : 'ok'), { budget, policy, classify, idempotent: false });
    expect([out, n]).toEqual(['ok', 2]);
  });

  it('writeOnce looks again after an ambiguous failure instead of acting twice', async () => {
    let acts = 0;
    let done = false;
    const out = await writeOnce({
      attempts: 5,
      lookFirst: true,
      look: async () => (done ? 'found' : undefined),
      act: async () => {
        acts++;
        done = true;
        throw fail(undefined);
      },
    });
    expect([out, acts]).toEqual(['found', 1]);
  });
});

describe('progress in CI logs', () => {
  it('writes one plain line per event, no terminal control codes', () => {
    let text = '';
    const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
    let t = 0;
    const r = lineReporter(out, () => t);
    const change = { id: 'Server/a#create', action: 'create', kind: 'Server', name: 'a' } as never;
    r.onEvent({ type: 'start', change });
    t = 45_000;
    r.onEvent({ type: 'installing', change, serverId: 'i-1', elapsedMs: 44_000 });
    r.onEvent({ type: 'done', change, elapsedMs: 45_000 });
    expect(text.split('\n').filter(Boolean)).toEqual([
      '[0.0s] start   create Server/a',
      '[45s] install create Server/a: server i-1 installing for 44s',
      '[45s] done    create Server/a (45s)',
    ]);
    expect(text.includes('\u001b')).toBe(false);
  });
});
