/**
 * The shared pipeline stages after load: observe → plan (check and apply are separate steps the caller
 * runs on the result). Used by the CLI verbs, the demo and the tests, so they all plan the same way.
 */
import type { LiveState } from './model/live.ts';
import type { Manifests, ProjectConfig } from './model/types.ts';
import { planChanges } from './plan/plan.ts';
import type { Plan } from './plan/types.ts';
import { observe, zoneKey } from './providers/observe.ts';
import type { Providers } from './providers/types.ts';

export interface Planned {
  live: LiveState;
  plan: Plan;
}

/**
 * What to observe for these manifests: the regions whose availability to check, and the zones whose
 * records are listed in full (those a DNSZone names). Every other zone the token sees is searched only
 * for records carrying a keelson marker, so records keelson owns in a zone whose manifest was removed
 * are still seen and cleaned up without listing every record of every zone.
 */
export function observeScope(manifests: Manifests): { regions: string[]; zones: string[] } {
  const regions = new Set<string>();
  for (const s of manifests.servers.values()) {
    regions.add(s.spec.region);
    for (const r of s.spec.rebuild?.regions ?? []) regions.add(r);
  }
  for (const p of manifests.regionPools.values()) for (const r of p.spec.regions) regions.add(r);
  const zones = new Set([...manifests.dnsZones.values()].map((z) => zoneKey(z.spec.zone)));
  return { regions: [...regions].sort(), zones: [...zones].sort() };
}

/**
 * Observes the live state the manifests need and plans against it. Read-only: makes no write call.
 * `sweep: false` skips the search of unmanaged zones for orphans (see `orphanSweep`).
 */
export async function observeAndPlan(project: ProjectConfig, manifests: Manifests, providers: Providers, opts: { revision?: string; now?: () => Date; sweep?: boolean } = {}): Promise<Planned> {
  const live = await observe(providers, { ...observeScope(manifests), now: opts.now, ...(opts.sweep !== undefined && { sweep: opts.sweep }) });
  const plan = planChanges(manifests, live, {
    owner: project.owner,
    safety: project.safety,
    ...(opts.revision !== undefined && { revision: opts.revision }),
  });
  return { live, plan };
}
