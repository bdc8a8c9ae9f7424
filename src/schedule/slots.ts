/**
 * When a scheduled rebuild may start: the cron slot (in the policy's time zone), plus a jitter that is
 * fixed per server, pushed forward into the maintenance window when there is one. Pure functions of
 * (policy, name, time); nothing here reads the wall clock, so tests drive time by value.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { RebuildPolicy } from '../model/types.ts';

/** A cron that never fires by itself: croner is used only to compute times. */
function cronOf(pattern: string, timezone: string): Cron {
  return new Cron(pattern, { timezone, paused: true });
}

/** The first cron slot strictly after `after` (epoch ms), or undefined when the pattern never fires again. */
export function nextSlot(schedule: string, timezone: string, after: number): number | undefined {
  return cronOf(schedule, timezone).nextRun(new Date(after))?.getTime();
}

/**
 * The server's jitter offset in [0, jitter]: hashed from its name, so the same server always lands at
 * the same offset (testable, and stable across controller restarts) while a fleet spreads out.
 */
export function jitterFor(name: string, jitter: number): number {
  if (jitter <= 0) return 0;
  const n = createHash('sha256').update(name).digest().readUIntBE(0, 6);
  return n % (jitter + 1);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes since local midnight of `at` in `timezone`. */
function localMinutes(at: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether `at` falls inside the daily window [start, end) in `timezone`; a window may run past midnight; start = end is all day. */
export function inWindow(window: { start: string; end: string }, timezone: string, at: number): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return true;
  const t = localMinutes(at, timezone);
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** The earliest time at or after `at` inside the window. */
export function windowOpenAt(window: { start: string; end: string }, timezone: string, at: number): number {
  if (inWindow(window, timezone, at)) return at;
  const [h, m] = window.start.split(':');
  // Cron slots fire at the top of the minute, so the opening is found in the zone's own calendar (DST included).
  const open = nextSlot(`${Number(m)} ${Number(h)} * * *`, timezone, at);
  return open ?? at;
}

/**
 * When the next scheduled rebuild after `after` may start: the first slot after `after`, plus the
 * server's jitter, moved forward into the window. Undefined when the policy has no schedule.
 */
export function scheduledStart(name: string, policy: RebuildPolicy, after: number): { slot: number; startAt: number } | undefined {
  if (!policy.schedule) return undefined;
  const slot = nextSlot(policy.schedule, policy.timezone, after);
  if (slot === undefined) return undefined;
  const jittered = slot + jitterFor(name, policy.jitter);
  const startAt = policy.window ? windowOpenAt(policy.window, policy.timezone, jittered) : jittered;
  return { slot, startAt };
}

/** The next `count` scheduled starts after `from`, for `keelson schedule`. */
export function upcomingStarts(name: string, policy: RebuildPolicy, from: number, count: number): { slot: number; startAt: number }[] {
  const out: { slot: number; startAt: number }[] = [];
  let after = from;
  while (out.length < count) {
    const next = scheduledStart(name, policy, after);
    if (!next) break;
    out.push(next);
    after = next.slot;
  }
  return out;
}
