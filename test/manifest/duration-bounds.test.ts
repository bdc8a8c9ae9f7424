/** Durations have upper bounds in the schemas, and no wait can overflow a Node timer. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/errors.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { realClock } from '../../src/apply/types.ts';
import { scaledClock } from '../../src/workflows/clock.ts';
import { MAX_TIMER_MS, sleep } from '../../src/timers.ts';
import { createRateBudget } from '../../src/providers/rate-budget.ts';
import { writeRepo } from './helpers.ts';

const server = (rebuild: string): string => `apiVersion: keelson.dev/v1
kind: Server
metadata:
  name: vpn
spec:
  region: ewr
  plan: vc2-1c-1gb
  image:
    os: Ubuntu 24.04 LTS x64
  rebuild:
${rebuild}`;

async function problems(rebuild: string): Promise<string[]> {
  const r = await loadProject(writeRepo({ 'manifests/s.yaml': server(rebuild) }));
  return r.ok ? [] : r.problems.map((p) => `${formatLocation(p)}: ${p.message}`);
}

describe('duration bounds', () => {
  it('refuses a 25-day drain and a drain of 1e23 days, naming the bound', async () => {
    expect(await problems('    drain: 25d\n')).toEqual(['manifests/s.yaml:11:12 [Server/vpn] spec.rebuild.drain: "25d" is longer than allowed here: at most 7d']);
    expect(await problems('    drain: 100000000000000000000000d\n')).toEqual([
      'manifests/s.yaml:11:12 [Server/vpn] spec.rebuild.drain: "100000000000000000000000d" is longer than allowed here: at most 7d',
    ]);
    expect(await problems('    installTimeout: 2d\n    jitter: 25h\n')).toHaveLength(2);
  });

  it('accepts durations within their bounds', async () => {
    expect(await problems('    drain: 7d\n    installTimeout: 24h\n    jitter: 1h30m\n')).toEqual([]);
  });
});

describe('long sleeps never overflow a timer', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('a 25-day sleep, on every clock and the rate budget, neither warns nor ends early', async () => {
    process.on('warning', onWarning);
    const ctl = new AbortController();
    const long = 25 * 86_400_000;
    expect(long).toBeGreaterThan(MAX_TIMER_MS);
    let ended = 0;
    const mark = (): void => void ended++;
    const waits = [
      sleep(long, ctl.signal).then(mark, () => {}),
      realClock.sleep(long * 2).then(mark),
      scaledClock(() => Date.now(), 1).sleep(long).then(mark),
    ];
    const budget = createRateBudget('cloudflare', { limit: 10, windowMs: 1000 });
    budget.holdFor(long);
    void budget.run(async () => mark());
    // An overflowing timer fires after 1 ms: give every one of them many times that.
    await sleep(200);
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    expect(ended).toBe(0);
    ctl.abort();
    await waits[0];
    void waits;
  });
});
