/**
 * One target's health as the failover loop sees it: a pure state machine over probe results.
 * `unhealthyThreshold` failures in a row take it down; it comes back only after `healthyThreshold`
 * passes in a row and at least `holdDown` after it went down, so a flapping target neither leaves
 * nor rejoins on a single probe.
 */
export type Health = 'up' | 'down';

export interface TargetHealth {
  health: Health;
  /** When the current health began (clock ms). */
  since: number;
  passes: number;
  failures: number;
  probes: number;
  lastProbeAt?: number;
  lastWhy?: string;
}

export interface Thresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
  holdDown: number;
}

/** A target starts up: its record is in the manifests, so it is presumed in DNS. */
export function initialHealth(now: number): TargetHealth {
  return { health: 'up', since: now, passes: 0, failures: 0, probes: 0 };
}

/** The health after one probe, and the change it made, if any. Pure. */
export function observeProbe(h: TargetHealth, ok: boolean, why: string | undefined, now: number, t: Thresholds): { next: TargetHealth; changed?: Health } {
  const base = { ...h, probes: h.probes + 1, lastProbeAt: now, ...(ok ? {} : { lastWhy: why ?? 'failed' }) };
  const passes = ok ? h.passes + 1 : 0;
  const failures = ok ? 0 : h.failures + 1;
  if (h.health === 'up' && failures >= t.unhealthyThreshold) return { next: { ...base, health: 'down', since: now, passes, failures }, changed: 'down' };
  if (h.health === 'down' && passes >= t.healthyThreshold && now - h.since >= t.holdDown) return { next: { ...base, health: 'up', since: now, passes, failures }, changed: 'up' };
  return { next: { ...base, passes, failures } };
}
