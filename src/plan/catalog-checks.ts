/**
 * Plan-time checks of the names manifests use against what the provider sells and knows: regions,
 * plans (sold in that region), OS names, ssh key names, startup script names. Each problem names
 * the manifest's file and line; a plan with problems is refused before apply.
 */
import type { LiveCatalog } from '../model/live.ts';
import type { Manifests } from '../model/types.ts';
import { addProblem, type PlanContext } from './context.ts';
import { keyRefKnown } from './keys.ts';
import { ownedSnapshots } from './server-request.ts';

function near(wanted: string, known: string[]): string {
  const w = wanted.toLowerCase();
  const hits = known.filter((k) => k.toLowerCase().includes(w.slice(0, 3)) || w.includes(k.toLowerCase().slice(0, 3))).slice(0, 3);
  return hits.length ? ` (did you mean ${hits.map((h) => JSON.stringify(h)).join(', ')}?)` : '';
}

/** Adds a problem to `ctx` for every unknown catalog name in the servers' manifests. */
export function checkCatalog(ctx: PlanContext, desired: Manifests, catalog: LiveCatalog): void {
  const regions = new Set(catalog.regions.map((r) => r.id));
  const osNames = new Set(catalog.os.map((o) => o.name.toLowerCase()));
  for (const doc of [...desired.servers.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const s = doc.spec;
    const res = `Server/${doc.metadata.name}`;
    const problem = (path: string, message: string): void => addProblem(ctx, doc.source, res, path, message);
    if (!regions.has(s.region)) problem('/spec/region', `region "${s.region}" is not offered by the provider${near(s.region, [...regions])}`);
    const soldIn = catalog.plans.get(s.plan);
    if (!soldIn) problem('/spec/plan', `plan "${s.plan}" is not offered by the provider${near(s.plan, [...catalog.plans.keys()])}`);
    else if (regions.has(s.region) && !soldIn.has(s.region)) problem('/spec/plan', `plan "${s.plan}" is not sold in region "${s.region}"`);
    for (const r of s.rebuild?.regions ?? []) {
      if (!regions.has(r)) problem('/spec/rebuild/regions', `rebuild region "${r}" is not offered by the provider`);
      else if (soldIn && !soldIn.has(r)) problem('/spec/rebuild/regions', `plan "${s.plan}" is not sold in rebuild region "${r}"`);
    }
    if ('os' in s.image && !osNames.has(s.image.os.toLowerCase())) {
      problem('/spec/image/os', `operating system "${s.image.os}" is not offered by the provider${near(s.image.os, catalog.os.map((o) => o.name))}`);
    }
    if ('snapshot' in s.image && !desired.snapshots.has(s.image.snapshot)) {
      if (ownedSnapshots(ctx, s.image.snapshot).length === 0) problem('/spec/image/snapshot', `snapshot "${s.image.snapshot}" is neither declared in the manifests nor found at the provider`);
    }
    for (const [i, k] of s.sshKeys.entries()) {
      if (!keyRefKnown(ctx, 'SSHKey', k)) problem(`/spec/sshKeys/${i}`, `ssh key "${k}" is neither declared in the manifests (kind SSHKey) nor uploaded to the provider`);
    }
    if (s.startupScript && !keyRefKnown(ctx, 'StartupScript', s.startupScript)) {
      problem('/spec/startupScript', `startup script "${s.startupScript}" is neither declared in the manifests (kind StartupScript) nor found at the provider`);
    }
  }
}
