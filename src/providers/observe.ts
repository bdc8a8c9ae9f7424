/**
 * The observe stage: one consistent `LiveState` from bulk listings, or an error. Any failed or partial
 * listing rejects the whole observation, so a run never plans against "nothing exists" and deletes
 * everything. Read-only: makes no write call.
 */
import type { LiveState } from '../model/live.ts';
import { KeelsonError } from '../errors.ts';
import type { Providers } from './types.ts';

export interface ObserveOptions {
  /** Zone names whose records to list; default every zone the token can see. */
  zones?: string[];
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

export async function observe(providers: Providers, opts: ObserveOptions = {}): Promise<LiveState> {
  try {
    const wanted = opts.zones ? new Set(opts.zones.map((z) => z.toLowerCase())) : undefined;
    const [servers, snapshots, catalog, allZones] = await Promise.all([
      providers.compute.listServers(),
      providers.compute.listSnapshots(),
      providers.compute.catalog(opts.regions),
      providers.dns.listZones(),
    ]);
    const zones = wanted ? allZones.filter((z) => wanted.has(z.name)) : allZones;
    const perZone = await Promise.all(zones.map((z) => providers.dns.listRecords(z)));
    return {
      servers: [...servers].sort((a, b) => a.id.localeCompare(b.id)),
      snapshots: [...snapshots].sort((a, b) => a.id.localeCompare(b.id)),
      zones: [...zones].sort((a, b) => a.name.localeCompare(b.name)),
      records: perZone.flat(),
      catalog,
      observedAt: (opts.now ?? (() => new Date()))().toISOString(),
    };
  } catch (err) {
    throw new ObserveError(err);
  }
}
