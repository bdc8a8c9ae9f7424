/**
 * The working state of one `planChanges` call: inputs, the changes found so far, and what later
 * steps need to know from earlier ones (where each server's address will come from, which live
 * servers are going away). Created per call; never shared between calls.
 */
import { parseRecordOwnership, parseServerTags, parseSnapshotDescription } from '../model/ownership.ts';
import type { LiveRecord, LiveServer, LiveSnapshot, LiveState, Ownership } from '../model/live.ts';
import type { Manifests, SourceRef } from '../model/types.ts';
import type { Change, ChangeKind, PlanProblem, UnmanagedResource, WorkInProgress } from './types.ts';

/** Where a desired server's address comes from at apply time. */
export interface ServerAddress {
  /** The live server that will hold the name once the plan is applied (absent for a new server). */
  live?: LiveServer;
  /** The change that creates the server that will hold the name; records wait for it. */
  pendingChange?: string;
  /** A live server being replaced: records holding its address move to the new one. */
  previous?: LiveServer;
}

export interface PlanContext {
  desired: Manifests;
  live: LiveState;
  owner: string;
  changes: Change[];
  unmanaged: UnmanagedResource[];
  warnings: string[];
  inProgress: WorkInProgress[];
  problems: PlanProblem[];
  addresses: Map<string, ServerAddress>;
  /** Live server id → the change that deletes it (a delete, or the destroy-old phase of a replace). */
  serverDeletes: Map<string, string>;
}

export function newContext(desired: Manifests, live: LiveState, owner: string): PlanContext {
  return { desired, live, owner, changes: [], unmanaged: [], warnings: [], inProgress: [], problems: [], addresses: new Map(), serverDeletes: new Map() };
}

export function formatSource(src: SourceRef | undefined): string | undefined {
  return src ? `${src.file}:${src.line}` : undefined;
}

export function addProblem(ctx: PlanContext, src: SourceRef | undefined, resource: string, path: string, message: string): void {
  ctx.problems.push({ file: src?.file ?? '', line: src?.line ?? 0, col: src?.col ?? 0, path, resource, message });
}

export function addUnmanaged(ctx: PlanContext, kind: ChangeKind, id: string, name: string, ownership: Ownership | undefined): void {
  ctx.unmanaged.push({ kind, id, name, reason: ownership ? `owned by ${ownership.owner}` : 'no keelson marker' });
}

/** A live snapshot's ownership, from the provider's mapping or, failing that, its description marker. */
export function snapshotOwnership(s: LiveSnapshot): Ownership | undefined {
  return s.ownership ?? parseSnapshotDescription(s.description).ownership;
}

/** A live record's ownership, from the provider's mapping or, failing that, its comment marker and tags. */
export function recordOwnership(r: LiveRecord): Ownership | undefined {
  return r.ownership ?? parseRecordOwnership(r.comment, r.tags).ownership;
}

/** A live server's ownership, from the provider's mapping or, failing that, its tags. */
export function serverOwnership(s: LiveServer): { ownership?: Ownership; createHash?: string; protect: boolean; userTags: string[] } {
  const { marks, userTags } = parseServerTags(s.tags);
  return {
    ownership: s.ownership ?? marks?.ownership,
    createHash: s.createHash ?? marks?.createHash,
    protect: marks?.protect ?? false,
    userTags,
  };
}

/**
 * Splits live objects into this owner's, grouped by manifest name (sorted by id), and everyone
 * else's, which are recorded as unmanaged.
 */
export function groupOwned<T extends { id: string }>(
  ctx: PlanContext, kind: ChangeKind, items: readonly T[], ownershipOf: (item: T) => Ownership | undefined, label: (item: T) => string,
): Map<string, T[]> {
  const byName = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => a.id.localeCompare(b.id))) {
    const own = ownershipOf(item);
    if (own?.owner !== ctx.owner) addUnmanaged(ctx, kind, item.id, label(item), own);
    else byName.set(own.name, [...(byName.get(own.name) ?? []), item]);
  }
  return byName;
}
