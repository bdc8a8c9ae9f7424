import { describe, expect, it } from 'vitest';
import { inWindow, jitterFor, nextSlot, scheduledStart, upcomingStarts, windowOpenAt } from '../../src/schedule/slots.ts';
import type { RebuildPolicy } from '../../src/model/types.ts';

const t = (iso: string): number => Date.parse(iso);
const policy = (p: Partial<RebuildPolicy>): RebuildPolicy => ({
  timezone: 'UTC', jitter: 0, rotateRegions: false, regions: [], freshSnapshot: false, installTimeout: 3_600_000, ...p,
});

describe('cron slots', () => {
  it('computes the next slot in the policy time zone, across a DST change', () => {
    // 03:00 in Berlin is 02:00Z in winter (CET) and 01:00Z from the DST change on 2026-03-29 (CEST).
    expect(nextSlot('0 3 * * *', 'Europe/Berlin', t('2026-03-28T12:00:00Z'))).toBe(t('2026-03-29T01:00:00Z'));
    expect(nextSlot('0 3 * * *', 'Europe/Berlin', t('2026-01-10T12:00:00Z'))).toBe(t('2026-01-11T02:00:00Z'));
    expect(nextSlot('0 3 * * *', 'UTC', t('2026-01-10T03:00:00Z'))).toBe(t('2026-01-11T03:00:00Z'));
  });

  it('gives each server a fixed jitter within bounds, different across servers', () => {
    const a = jitterFor('vpn-acme', 3_600_000);
    expect(jitterFor('vpn-acme', 3_600_000)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(3_600_000);
    const offsets = new Set(Array.from({ length: 50 }, (_, i) => jitterFor(`vpn-${i}`, 3_600_000)));
    expect(offsets.size).toBeGreaterThan(45);
    expect(jitterFor('vpn-acme', 0)).toBe(0);
  });

  it('knows windows, including ones past midnight, in the time zone', () => {
    const night = { start: '23:00', end: '02:00' };
    expect(inWindow(night, 'UTC', t('2026-05-01T23:30:00Z'))).toBe(true);
    expect(inWindow(night, 'UTC', t('2026-05-01T01:59:00Z'))).toBe(true);
    expect(inWindow(night, 'UTC', t('2026-05-01T02:00:00Z'))).toBe(false);
    expect(inWindow({ start: '02:00', end: '04:00' }, 'America/New_York', t('2026-05-01T07:00:00Z'))).toBe(true);
    expect(inWindow({ start: '02:00', end: '04:00' }, 'America/New_York', t('2026-05-01T03:00:00Z'))).toBe(false);
    expect(windowOpenAt({ start: '02:00', end: '04:00' }, 'UTC', t('2026-05-01T05:00:00Z'))).toBe(t('2026-05-02T02:00:00Z'));
    expect(windowOpenAt({ start: '02:00', end: '04:00' }, 'UTC', t('2026-05-01T03:00:00Z'))).toBe(t('2026-05-01T03:00:00Z'));
  });

  it('applies jitter, then moves the start into the window', () => {
    const p = policy({ schedule: '0 0 * * 0', window: { start: '02:00', end: '04:00' }, jitter: 0 });
    expect(scheduledStart('a', p, t('2026-05-01T00:00:00Z'))).toEqual({ slot: t('2026-05-03T00:00:00Z'), startAt: t('2026-05-03T02:00:00Z') });
    const j = policy({ schedule: '0 3 * * *', jitter: 600_000 });
    const s = scheduledStart('vpn-acme', j, t('2026-05-01T00:00:00Z'))!;
    expect(s.startAt - s.slot).toBe(jitterFor('vpn-acme', 600_000));
    expect(scheduledStart('a', policy({}), 0)).toBeUndefined();
  });

  it('lists upcoming starts in order', () => {
    const runs = upcomingStarts('a', policy({ schedule: '0 3 * * 1' }), t('2026-05-01T00:00:00Z'), 3);
    expect(runs.map((r) => new Date(r.startAt).toISOString())).toEqual([
      '2026-05-04T03:00:00.000Z', '2026-05-11T03:00:00.000Z', '2026-05-18T03:00:00.000Z',
    ]);
  });
});
