/**
 * The simulator's clock. Simulated time drives installs, snapshots and bandwidth; it runs at `speed`
 * times wall time, or stands still until `advance()` in manual mode (for deterministic tests).
 * Rate-limit windows use `windowNow()`: wall time when running, simulated time when manual, so a
 * test can count 429s without racing the wall clock.
 */
export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Time used for rate-limit windows (see above). */
  windowNow(): number;
  /** Moves simulated time forward (both modes). */
  advance(ms: number): void;
  readonly speed: number;
  readonly manual: boolean;
}

export interface ClockOptions {
  /** Simulated ms per wall ms; ignored in manual mode. */
  speed?: number;
  manual?: boolean;
  /** Simulated epoch ms to start from (default: wall now). */
  start?: number;
}

export function createClock(opts: ClockOptions = {}): SimClock {
  const speed = opts.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  const manual = opts.manual ?? false;
  const wallStart = Date.now();
  let base = opts.start ?? wallStart;
  let offset = 0;
  return {
    speed,
    manual,
    now: () => (manual ? base : base + (Date.now() - wallStart) * speed),
    windowNow: () => (manual ? base : Date.now() + offset),
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`advance needs a non-negative number of ms, got ${ms}`);
      base += ms;
      // Advancing also ages rate-limit windows, so "advance 1 s" clears a Vultr per-second window.
      offset += ms;
    },
  };
}

/** ISO-8601 as Vultr prints it: seconds precision with `+00:00`. */
export function vultrTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** ISO-8601 as Cloudflare prints it: microseconds and `Z`. */
export function cloudflareTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** UTC day key `YYYY-MM-DD` of an epoch ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
