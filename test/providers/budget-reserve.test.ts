import { describe, expect, it } from 'vitest';
import { createRateBudget, inFailoverLane } from '../../src/providers/rate-budget.ts';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('the failover reserve of a rate budget', () => {
  it('keeps `reserve` calls per window for the failover lane, however many other calls wait', async () => {
    const budget = createRateBudget('cloudflare', { limit: 10, windowMs: 60_000, reserve: 2 });
    const ran: string[] = [];
    for (let i = 0; i < 30; i++) void budget.run(async () => void ran.push(`apply-${i}`));
    await tick();
    expect(ran).toHaveLength(8);
    await inFailoverLane(() => budget.run(async () => void ran.push('failover-1')));
    await inFailoverLane(() => budget.run(async () => void ran.push('failover-2')));
    expect(ran.slice(8)).toEqual(['failover-1', 'failover-2']);
    expect(budget.started).toBe(10);
  });

  it('without a reserve, behaves as before: every call shares the window', async () => {
    const budget = createRateBudget('cloudflare', { limit: 5, windowMs: 60_000 });
    let n = 0;
    for (let i = 0; i < 9; i++) void budget.run(async () => void n++);
    await tick();
    expect(n).toBe(5);
  });
});
