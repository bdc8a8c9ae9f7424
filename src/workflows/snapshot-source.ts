/**
 * Step (a) of a rebuild: the image the new server is created from. A named snapshot is looked up by
 * its ownership marker; a fresh one is taken once per rebuild (found again by the rebuild's operation
 * id on a rerun); a pending snapshot is waited for, never treated as a failure.
 */
import type { LiveServer, LiveSnapshot } from '../model/live.ts';
import { formatSnapshotDescription, isOwnedBy } from '../model/ownership.ts';
import type { ServerDoc } from '../model/types.ts';
import { WorkflowError } from '../errors.ts';
import { writeOnce } from '../providers/retry.ts';
import type { ComputeProvider } from '../providers/types.ts';
import { waitForSnapshot } from '../apply/wait.ts';
import type { Clock } from './clock.ts';

/** What to create the new server from. */
export type RebuildImage = { snapshotId: string; snapshot: string } | { osId: number };

export interface SnapshotContext {
  compute: ComputeProvider;
  owner: string;
  clock: Clock;
  pollInterval: number;
  /** How long a pending snapshot is waited for. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The newest owned snapshot named `name` (and made by `op`, when given): complete ones first. Pure. */
export function pickSnapshot(snapshots: readonly LiveSnapshot[], owner: string, name: string, op?: string): LiveSnapshot | undefined {
  const mine = snapshots.filter((s) => isOwnedBy(s.ownership, owner) && s.ownership.name === name && (op === undefined || s.ownership.op === op) && s.status !== 'deleted');
  const newest = (list: LiveSnapshot[]): LiveSnapshot | undefined => [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))[0];
  return newest(mine.filter((s) => s.status === 'complete')) ?? newest(mine);
}

/**
 * Resolves the rebuild's source image, taking a fresh snapshot of `old` when the policy says so, and
 * waits until the snapshot is complete. Creates at most one snapshot per operation id; safe to repeat.
 */
export async function sourceImage(ctx: SnapshotContext, doc: ServerDoc, old: LiveServer, op: string, override?: string): Promise<RebuildImage> {
  const name = doc.metadata.name;
  const policy = doc.spec.rebuild;
  if (policy?.freshSnapshot && !override) {
    // At most one snapshot per rebuild: found by the operation id in its marker, before and after an ambiguous failure.
    const snap = await writeOnce({
      attempts: 5,
      lookFirst: true,
      look: async () => pickSnapshot(await ctx.compute.listSnapshots(), ctx.owner, name, op),
      act: () => ctx.compute.createSnapshot(old.id, formatSnapshotDescription(`rebuild of ${name}`, { owner: ctx.owner, name, op })),
    });
    return { snapshotId: (await waitComplete(ctx, snap.id, name)).id, snapshot: name };
  }
  const snapName = override ?? policy?.snapshot ?? ('snapshot' in doc.spec.image ? doc.spec.image.snapshot : undefined);
  // An OS-installed server is rebuilt from the same OS it runs, read back from the provider.
  if (!snapName) return { osId: old.osId };
  const snap = pickSnapshot(await ctx.compute.listSnapshots(), ctx.owner, snapName);
  if (!snap) throw new WorkflowError(`Server/${name}`, 'rebuild', `snapshot ${snapName} not found (no complete or pending snapshot carries its marker)`);
  return { snapshotId: (await waitComplete(ctx, snap.id, snapName)).id, snapshot: snapName };
}

/** Polls until the snapshot is complete; one that disappears or turns `deleted` fails the rebuild. */
async function waitComplete(ctx: SnapshotContext, id: string, name: string): Promise<LiveSnapshot> {
  return waitForSnapshot(ctx.compute, name, (all) => {
    const snap = all.find((s) => s.id === id);
    if (!snap || snap.status === 'deleted') throw new WorkflowError(`Server/${name}`, 'rebuild', `snapshot ${name} (${id}) was deleted while waiting for it`);
    return snap;
  }, { clock: ctx.clock, timeoutMs: ctx.timeoutMs, intervalMs: ctx.pollInterval });
}
