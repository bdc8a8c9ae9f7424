/**
 * What the manifests schedule, run from the controller's tick: rebuilds (`Server.spec.rebuild.schedule`
 * under the project's `rebuilds` limits) and snapshot refreshes (`Snapshot.spec.refresh`). The time of
 * the last run lives at the provider, never in the controller: a rebuild's last run is the creation
 * time of the server's current instance (a rebuild makes a new one), a refresh's is the creation time
 * of the snapshot's newest copy. A restart therefore neither forgets nor repeats a slot, and a rebuild
 * a restart interrupted is finished by the reconcile's resume stage from the live state.
 */
import type { LiveServer, LiveSnapshot } from '../model/live.ts';
import { formatSnapshotDescription } from '../model/ownership.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { shortHash } from '../plan/hash.ts';
import { snapshotOwnership } from '../plan/context.ts';
import type { Providers } from '../providers/types.ts';
import { dueRebuilds, type DeferredRebuild, type DueRebuild } from '../schedule/due.ts';
import { nextSlot } from '../schedule/slots.ts';
import { rebuildsInProgress, serverFamily } from '../model/server-family.ts';

/** The schedule state `dueRebuilds` needs, read from the live servers alone. Pure. */
export function scheduleState(manifests: Manifests, owner: string, servers: readonly LiveServer[], running: ReadonlyMap<string, { region: string }>) {
  const lastRuns = new Map<string, number>();
  const regions = new Map<string, string>();
  for (const name of manifests.servers.keys()) {
    const f = serverFamily(servers, owner, name);
    if (!f.current) continue;
    lastRuns.set(name, Date.parse(f.current.createdAt));
    regions.set(name, f.current.region);
  }
  const inflight = new Map(running);
  for (const f of rebuildsInProgress(servers, owner)) if (f.successor && !inflight.has(f.name)) inflight.set(f.name, { region: f.successor.region });
  return { lastRuns, regions, inflight };
}

/** The rebuilds to start now and those held back (with why). Pure. */
export function planRebuilds(project: ProjectConfig, manifests: Manifests, servers: readonly LiveServer[], running: ReadonlyMap<string, { region: string }>, now: number): { due: DueRebuild[]; deferred: DeferredRebuild[] } {
  return dueRebuilds(manifests.servers.values(), now, scheduleState(manifests, project.owner, servers, running), project.rebuilds);
}

export interface DueRefresh {
  snapshot: string;
  slot: number;
  serverId: string;
  description: string;
}

/**
 * Snapshots whose refresh slot has come since their newest copy was taken, and whose source server
 * runs; one still pending is not refreshed again. Pure.
 */
export function dueRefreshes(project: ProjectConfig, manifests: Manifests, servers: readonly LiveServer[], snapshots: readonly LiveSnapshot[], now: number): DueRefresh[] {
  const out: DueRefresh[] = [];
  for (const doc of manifests.snapshots.values()) {
    const refresh = doc.spec.refresh;
    if (!refresh) continue;
    const name = doc.metadata.name;
    const mine = snapshots.filter((s) => s.status !== 'deleted' && snapshotOwnership(s)?.owner === project.owner && snapshotOwnership(s)?.name === name);
    if (mine.length === 0 || mine.some((s) => s.status === 'pending')) continue; // the plan creates the first one
    const newest = Math.max(...mine.map((s) => Date.parse(s.createdAt)));
    const slot = nextSlot(refresh.schedule, refresh.timezone, newest);
    if (slot === undefined || slot > now) continue;
    const source = serverFamily(servers, project.owner, doc.spec.fromServer).current;
    if (!source) continue;
    const op = shortHash({ owner: project.owner, name, from: doc.spec.fromServer, slot }, 12);
    out.push({ snapshot: name, slot, serverId: source.id, description: formatSnapshotDescription(doc.spec.description, { owner: project.owner, name, op }, { protect: doc.spec.protect }) });
  }
  return out;
}

/** Takes the due refreshes (older copies beyond `keep` are pruned by the next plan). */
export async function runRefreshes(providers: Providers, due: readonly DueRefresh[]): Promise<{ snapshot: string; id: string; slot: number }[]> {
  const out: { snapshot: string; id: string; slot: number }[] = [];
  for (const r of due) {
    const snap = await providers.compute.createSnapshot(r.serverId, r.description);
    out.push({ snapshot: r.snapshot, id: snap.id, slot: r.slot });
  }
  return out;
}
