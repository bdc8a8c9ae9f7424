/**
 * The health gate: poll a check against a deadline (as Kamal's healthcheck poller does). Time comes
 * from an injected clock, so unit tests never sleep.
 */
import type { Clock, HttpAnswer, Remote } from './types.ts';

export interface GateOptions {
  /** Time between checks. */
  interval: number;
  /** Timeout of one check (cut short so no check runs past the deadline). */
  timeout: number;
  /** Give up this long after the first check started. */
  deadline: number;
}

export type GateResult =
  | { ok: true; attempts: number; elapsedMs: number }
  | { ok: false; attempts: number; elapsedMs: number; last: string };

/** One check: healthy, or a short description of what it saw. */
export type Probe = (timeoutMs: number) => Promise<{ ok: true } | { ok: false; why: string }>;

/**
 * Runs `probe` until it passes or the deadline passes. Never sleeps past the deadline, so a gate
 * fails at most one check timeout after `deadline`. Changes nothing itself; safe to repeat.
 */
export async function waitHealthy(probe: Probe, opts: GateOptions, clock: Clock): Promise<GateResult> {
  const start = clock.now();
  const end = start + opts.deadline;
  let attempts = 0;
  let last: string | undefined;
  for (;;) {
    attempts++;
    const remaining = Math.max(1, end - clock.now());
    const timeout = Math.min(opts.timeout, remaining);
    let outcome: Awaited<ReturnType<Probe>>;
    try {
      outcome = await probe(timeout);
    } catch (err) {
      outcome = { ok: false, why: err instanceof Error ? err.message : String(err) };
    }
    if (outcome.ok) return { ok: true, attempts, elapsedMs: clock.now() - start };
    // A check cut short by the deadline says little ("no answer within 2 ms"): the last whole check's
    // answer is the one worth reporting.
    if (timeout === opts.timeout || last === undefined) last = outcome.why;
    const now = clock.now();
    if (now + opts.interval >= end) return { ok: false, attempts, elapsedMs: now - start, last };
    await clock.sleep(opts.interval);
  }
}

/** Shortens an HTTP body for an error message (one line, at most 200 characters). */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A probe that GETs http://127.0.0.1:PORT<path> on the host and expects `status`. */
export function httpProbe(remote: Remote, port: number, path: string, status: number, host = '127.0.0.1'): Probe {
  return async (timeoutMs) => {
    const answer: HttpAnswer = await remote.httpGet(host, port, path, timeoutMs);
    if (answer.status === status) return { ok: true };
    return { ok: false, why: `GET ${path} answered ${answer.status}${answer.body ? ` "${excerpt(answer.body)}"` : ''}` };
  };
}
