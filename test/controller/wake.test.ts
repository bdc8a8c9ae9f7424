/** Unit: a webhook that arrives while a tick runs is not lost (the loop looks again at once). */
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/loop.ts';
import { createMetrics } from '../../src/controller/metrics.ts';
import type { CommitSource } from '../../src/controller/options.ts';
import { testClock } from './harness.ts';

describe('Controller.poke', () => {
  it('during a tick: a second tick follows without waiting for the interval', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const source: CommitSource = {
      remoteHead: async () => {
        calls++;
        if (calls === 1) await gate;
        return 'a'.repeat(40);
      },
      fetch: async () => {},
      verify: async () => ({ ok: false, reason: 'the commit is not signed' }),
      describe: async (hash) => ({ hash, subject: '', author: '', date: '' }),
      checkout: async () => '/nonexistent',
    };
    const c = new Controller({
      source, branch: 'main', intervalMs: 3_600_000, driftIntervalMs: 3_600_000, selfHeal: true, clock: testClock(), metrics: createMetrics({ processMetrics: false }),
      connect: async () => { throw new Error('not used'); }, workflow: () => { throw new Error('not used'); },
    });
    const loop = c.start();
    while (calls === 0) await new Promise((r) => setTimeout(r, 5));
    c.poke();
    release();
    for (let i = 0; i < 200 && calls < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(2);
    await c.stop();
    await loop;
  });
});
