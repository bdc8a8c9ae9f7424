/**
 * What to start now: the pure decision of which scheduled rebuilds are due at a given time, under
 * the fleet-wide and per-region limits. The controller's tick calls it (src/controller/schedules.ts); tests call it
 * with fixed times.
 */
import type { RebuildLimits, ServerDoc } from '../model/types.ts';
import { targetRegion } from '../workflows/target-region.ts';
import { inWindow, scheduledStart, windowOpenAt } from './slots.ts';

/** What the caller knows about the fleet; everything here can be derived from the live state. */
export interface ScheduleState {
  /** When each server's last rebuild started, or (lacking that) when its current instance was created. Servers absent here have no instance and are not rebuilt. */
  lastRuns: ReadonlyMap<string, number>;
  /** Region of each server's current instance (default: the manifest's region). */
  regions?: ReadonlyMap<string, string>;
  /** Rebuilds running now, by server name, with the region each builds in. */
  inflight: ReadonlyMap<string, { region: string }>;
}

export interface DueRebuild {
  server: string;
  /** The cron slot this run serves, and when it became startable (jitter and window applied). */
  slot: number;
  startAt: number;
  region: string;
}

export type DeferReason = 'fleet-limit' | 'region-limit' | 'outside-window';

export interface DeferredRebuild {
  server: string;
  reason: DeferReason;
  /** For `outside-window`: when the window next opens. */
  retryAt?: number;
}

/**
 * The rebuilds to start at `now`, oldest start time first, within the limits, and those that are
 * past their start time but held back (with why). A server whose slots were missed (controller down)
 * is due once, not once per missed slot. Pure and safe to call as often as the caller likes.
 */
export function dueRebuilds(
  servers: Iterable<ServerDoc>,
  now: number,
  state: ScheduleState,
  limits: RebuildLimits,
): { due: DueRebuild[]; deferred: DeferredRebuild[] } {
  const ready: DueRebuild[] = [];
  const deferred: DeferredRebuild[] = [];
  for (const doc of servers) {
    const policy = doc.spec.rebuild;
    const name = doc.metadata.name;
    const last = state.lastRuns.get(name);
    if (!policy?.schedule || last === undefined || state.inflight.has(name)) continue;
    const next = scheduledStart(name, policy, last);
    if (!next || next.startAt > now) continue;
    if (policy.window && !inWindow(policy.window, policy.timezone, now)) {
      deferred.push({ server: name, reason: 'outside-window', retryAt: windowOpenAt(policy.window, policy.timezone, now) });
      continue;
    }
    const current = state.regions?.get(name) ?? doc.spec.region;
    ready.push({ server: name, slot: next.slot, startAt: next.startAt, region: targetRegion(doc.spec, current) });
  }
  ready.sort((a, b) => a.startAt - b.startAt || a.server.localeCompare(b.server));

  const perRegion = new Map<string, number>();
  for (const { region } of state.inflight.values()) perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  let running = state.inflight.size;
  const due: DueRebuild[] = [];
  for (const r of ready) {
    if (running >= limits.maxConcurrent) {
      deferred.push({ server: r.server, reason: 'fleet-limit' });
      continue;
    }
    if ((perRegion.get(r.region) ?? 0) >= limits.maxPerRegion) {
      deferred.push({ server: r.server, reason: 'region-limit' });
      continue;
    }
    due.push(r);
    running++;
    perRegion.set(r.region, (perRegion.get(r.region) ?? 0) + 1);
  }
  return { due, deferred };
}
