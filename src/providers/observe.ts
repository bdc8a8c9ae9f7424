/**
 * The observe stage: one consistent `LiveState` from bulk listings, or an error. Any failed or partial
 * listing rejects the whole observation, so a run never plans against "nothing exists" and deletes
 * everything. Read-only: makes no write call.
 */
import type { LiveState } from '../model/live.ts';
import { KeelsonError } from '../errors.ts';
import type { Providers } from './types.ts';

export interface ObserveOptions {
  /**
   * Zone names whose records to list in full (the zones the manifests manage); default every zone the
   * token can see. The other zones are only searched for records carrying a keelson marker (see `sweep`).
   */
  zones?: string[];
  /**
   * With `zones`: whether this observation searches the other zones for keelson's records (Cloudflare's
   * comment filter: one small listing per zone), so what keelson left in a zone whose manifest was
   * removed is still cleaned up. Default true; a process that plans often passes `orphanSweep(...)`'s
   * answer, so it searches them at a lower rate.
   */
  sweep?: boolean;
  /** Regions the manifests use: their per-region availability is read (one call each); default all. */
  regions?: string[];
  /** Clock for `observedAt` (injected in tests). */
  now?: () => Date;
}

/** Observation failed: nothing was planned and nothing written. Wraps the provider error that caused it. */
export class ObserveError extends KeelsonError {
  override name = 'ObserveError';
  constructor(override readonly cause: unknown) {
    super(`observe failed, nothing was changed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** A zone name as the manifests and `LiveZone.name` compare: lowercase, no trailing dot. */
export const zoneKey = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * When a process that observes repeatedly (a controller) searches unmanaged zones for orphans: on its
 * first observation, then once every `everyMs`. Returns the answer for an observation made at `now`.
 */
export function orphanSweep(everyMs: number): (now?: number) => boolean {
  let last: number | undefined;
  return (now = Date.now()) => {
    if (last !== undefined && now - last < everyMs) return false;
    last = now;
    return true;
  };
}

export async function observe(providers: Providers, opts: ObserveOptions = {}): Promise<LiveState> {
  try {
    const wanted = opts.zones ? new Set(opts.zones.map(zoneKey)) : undefined;
    const [servers, snapshots, catalog, allZones] = await Promise.all([
      providers.compute.listServers(),
      providers.compute.listSnapshots(),
      providers.compute.catalog(opts.regions),
      providers.dns.listZones(),
    ]);
    const managed = wanted ? allZones.filter((z) => wanted.has(z.name)) : allZones;
    const others = wanted && opts.sweep !== false ? allZones.filter((z) => !wanted.has(z.name)) : [];
    const perZone = await Promise.all([
      ...managed.map((z) => providers.dns.listRecords(z)),
      ...others.map((z) => providers.dns.listRecords(z, { marked: true })),
    ]);
    return {
      servers: [...servers].sort((a, b) => a.id.localeCompare(b.id)),
      snapshots: [...snapshots].sort((a, b) => a.id.localeCompare(b.id)),
      // The zones whose records were read, in full or searched: the planner plans exactly these.
      zones: [...managed, ...others].sort((a, b) => a.name.localeCompare(b.name)),
      records: perZone.flat(),
      catalog,
      observedAt: (opts.now ?? (() => new Date()))().toISOString(),
    };
  } catch (err) {
    throw new ObserveError(err);
  }
}
