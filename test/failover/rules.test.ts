import { describe, expect, it } from 'vitest';
import { initialHealth, observeProbe, type TargetHealth } from '../../src/failover/health.ts';
import { decideGroup } from '../../src/failover/rules.ts';
import { subtractHeldDown } from '../../src/failover/desired.ts';
import { failoverGroups } from '../../src/failover/targets.ts';
import { startFailoverWorld } from '../helpers/failover-world.ts';

const T = { healthyThreshold: 2, unhealthyThreshold: 3, holdDown: 1000 };

function run(results: boolean[], start = 0, step = 100): { h: TargetHealth; changes: string[] } {
  let h = initialHealth(start);
  const changes: string[] = [];
  results.forEach((ok, i) => {
    const o = observeProbe(h, ok, ok ? undefined : 'no', start + (i + 1) * step, T);
    h = o.next;
    if (o.changed) changes.push(`${o.changed}@${i + 1}`);
  });
  return { h, changes };
}

describe('target health', () => {
  it.each([
    ['two failures are not enough', [false, false, true, false, false], []],
    ['three failures in a row go down', [true, false, false, false], ['down@4']],
    ['flapping never goes down', [false, true, false, true, false, true, false, true], []],
    ['back after two passes once the hold-down has passed', [false, false, false, ...Array<boolean>(12).fill(true)], ['down@3', 'up@13']],
    ['a failure during recovery restarts the count', [false, false, false, ...Array<boolean>(9).fill(true), false, true, true], ['down@3', 'up@15']],
  ])('%s', (_name, results, changes) => {
    expect(run(results as boolean[]).changes).toEqual(changes);
  });
});

const h = (health: 'up' | 'down'): TargetHealth => ({ ...initialHealth(0), health });

describe('the failover rules', () => {
  it('holds down targets that are down', () => {
    expect(decideGroup(['a', 'b', 'c'], new Map([['a', h('up')], ['b', h('down')], ['c', h('up')]]), new Set(), 1)).toEqual({ held: new Set(['b']), keptAtMinimum: [], suspect: false });
  });
  it('keeps minHealthy records, preferring the down targets still in DNS', () => {
    const v = decideGroup(['a', 'b', 'c'], new Map([['a', h('down')], ['b', h('down')], ['c', h('up')]]), new Set(['a']), 2);
    expect(v).toEqual({ held: new Set(['a']), keptAtMinimum: ['b'], suspect: false });
  });
  it('removes nothing more when every target is down (prober suspect)', () => {
    const v = decideGroup(['a', 'b'], new Map([['a', h('down')], ['b', h('down')]]), new Set(['a']), 1);
    expect(v).toEqual({ held: new Set(['a']), keptAtMinimum: [], suspect: true });
  });
  it('releases a target that is up again', () => {
    expect(decideGroup(['a', 'b'], new Map([['a', h('up')], ['b', h('up')]]), new Set(['a']), 1).held).toEqual(new Set());
  });
});

describe('desired DNS = manifests minus held-down targets', () => {
  it('takes held targets out, adds nothing, and never goes below minHealthy', async () => {
    const w = await startFailoverWorld({ names: 2, perName: 3, policy: { minHealthy: 2 } });
    try {
      const [g0, g1] = failoverGroups(w.manifests);
      expect(subtractHeldDown(w.manifests, new Map())).toBe(w.manifests);
      const out = subtractHeldDown(w.manifests, new Map([[g0!.key, new Set(['web-1', 'web-99'])], [g1!.key, new Set(['web-3', 'web-4'])]]));
      const recs = out.dnsZones.get('failover-zone')!.spec.records;
      expect(recs[0]!.source).toEqual({ servers: ['web-0', 'web-2'] });
      // Leaving one of three would break minHealthy 2: the set stays whole.
      expect(recs[1]!.source).toEqual({ servers: ['web-3', 'web-4', 'web-5'] });
      expect(w.manifests.dnsZones.get('failover-zone')!.spec.records[0]!.source).toEqual({ servers: ['web-0', 'web-1', 'web-2'] });
    } finally {
      await w.sim.stop();
    }
  });
});
