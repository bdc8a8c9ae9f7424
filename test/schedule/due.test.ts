import { describe, expect, it } from 'vitest';
import { dueRebuilds } from '../../src/schedule/due.ts';
import { serverDoc } from '../helpers/server-doc.ts';

const t = (iso: string): number => Date.parse(iso);
const daily = { schedule: '0 3 * * *' };
const limits = { maxConcurrent: 10, maxPerRegion: 10 };
const lastRuns = (names: string[], at = t('2026-05-01T00:00:00Z')): Map<string, number> => new Map(names.map((n) => [n, at]));

describe('dueRebuilds (fake clock)', () => {
  const fleet = ['a', 'b', 'c'].map((n) => serverDoc(n, {}, daily));

  it('is due only once the start time has come', () => {
    const state = { lastRuns: lastRuns(['a', 'b', 'c']), inflight: new Map() };
    expect(dueRebuilds(fleet, t('2026-05-01T02:59:59Z'), state, limits).due).toEqual([]);
    const at3 = dueRebuilds(fleet, t('2026-05-01T03:00:00Z'), state, limits);
    expect(at3.due.map((d) => d.server)).toEqual(['a', 'b', 'c']);
    expect(at3.due[0]).toMatchObject({ slot: t('2026-05-01T03:00:00Z'), region: 'ewr' });
  });

  it('runs a server whose slots were missed once, and not again until the next slot after its last run', () => {
    const state = { lastRuns: lastRuns(['a'], t('2026-04-20T00:00:00Z')), inflight: new Map() };
    const now = t('2026-05-01T12:00:00Z');
    expect(dueRebuilds([fleet[0]!], now, state, limits).due).toHaveLength(1);
    const after = { lastRuns: lastRuns(['a'], now), inflight: new Map() };
    expect(dueRebuilds([fleet[0]!], now + 3_600_000, after, limits).due).toHaveLength(0);
    expect(dueRebuilds([fleet[0]!], t('2026-05-02T03:00:00Z'), after, limits).due).toHaveLength(1);
  });

  it('skips servers without a schedule, without an instance, or already rebuilding', () => {
    const docs = [serverDoc('none'), serverDoc('new', {}, daily), serverDoc('busy', {}, daily), serverDoc('ok', {}, daily)];
    const state = { lastRuns: lastRuns(['none', 'busy', 'ok']), inflight: new Map([['busy', { region: 'ewr' }]]) };
    expect(dueRebuilds(docs, t('2026-05-02T00:00:00Z'), state, limits).due.map((d) => d.server)).toEqual(['ok']);
  });

  it('holds to the fleet-wide limit, counting rebuilds in flight, oldest start first', () => {
    const docs = Array.from({ length: 6 }, (_, i) => serverDoc(`s${i}`, {}, { schedule: `${i} 3 * * *` }));
    const state = { lastRuns: lastRuns(docs.map((d) => d.metadata.name)), inflight: new Map([['other', { region: 'ams' }]]) };
    const out = dueRebuilds(docs.reverse(), t('2026-05-01T04:00:00Z'), state, { maxConcurrent: 4, maxPerRegion: 10 });
    expect(out.due.map((d) => d.server)).toEqual(['s0', 's1', 's2']);
    expect(out.deferred).toEqual([
      { server: 's3', reason: 'fleet-limit' }, { server: 's4', reason: 'fleet-limit' }, { server: 's5', reason: 'fleet-limit' },
    ]);
  });

  it('holds to the per-region limit on the region each rebuild builds in', () => {
    const rotate = { ...daily, rotateRegions: true, regions: ['ewr', 'ams', 'fra'] };
    const docs = [serverDoc('a', { region: 'ewr' }, rotate), serverDoc('b', { region: 'ewr' }, rotate), serverDoc('c', { region: 'ams' }, rotate)];
    const state = { lastRuns: lastRuns(['a', 'b', 'c']), inflight: new Map([['x', { region: 'fra' }]]) };
    const out = dueRebuilds(docs, t('2026-05-01T04:00:00Z'), state, { maxConcurrent: 10, maxPerRegion: 1 });
    expect(out.due).toMatchObject([{ server: 'a', region: 'ams' }]);
    expect(out.deferred).toEqual([{ server: 'b', reason: 'region-limit' }, { server: 'c', reason: 'region-limit' }]);
    const moved = { ...state, regions: new Map([['c', 'fra']]), inflight: new Map() };
    expect(dueRebuilds([docs[2]!], t('2026-05-01T04:00:00Z'), moved, limits).due[0]!.region).toBe('ewr');
  });

  it('defers a due rebuild outside its window until the window opens', () => {
    const doc = serverDoc('w', {}, { schedule: '0 3 * * *', window: { start: '02:00', end: '05:00' } });
    const state = { lastRuns: lastRuns(['w']), inflight: new Map() };
    expect(dueRebuilds([doc], t('2026-05-01T04:59:00Z'), state, limits).due).toHaveLength(1);
    const late = dueRebuilds([doc], t('2026-05-01T06:00:00Z'), state, limits);
    expect(late.due).toEqual([]);
    expect(late.deferred).toEqual([{ server: 'w', reason: 'outside-window', retryAt: t('2026-05-02T02:00:00Z') }]);
  });

  it('starts each server at its own jittered time', () => {
    const docs = Array.from({ length: 20 }, (_, i) => serverDoc(`vpn-${i}`, {}, { schedule: '0 3 * * *', jitter: 3_600_000 }));
    const state = { lastRuns: lastRuns(docs.map((d) => d.metadata.name)), inflight: new Map() };
    const half = dueRebuilds(docs, t('2026-05-01T03:30:00Z'), state, { maxConcurrent: 100, maxPerRegion: 100 }).due.length;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(20);
    expect(dueRebuilds(docs, t('2026-05-01T04:00:00Z'), state, { maxConcurrent: 100, maxPerRegion: 100 }).due).toHaveLength(20);
  });
});
