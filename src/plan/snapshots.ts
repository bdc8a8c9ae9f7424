/**
 * Snapshots: create the missing ones (after their source server exists), update descriptions in
 * place, delete owned ones beyond `keep` or no longer declared. A snapshot cannot be changed into
 * another one, so there is no replace; refreshing on a schedule is the rebuild workflow's job.
 * `protect` travels in the description marker (`!protect`), so a snapshot stays protected after its
 * manifest is removed, as a server does through its protect tag.
 */
import { formatSnapshotDescription, parseSnapshotDescription } from '../model/ownership.ts';
import type { LiveSnapshot } from '../model/live.ts';
import type { Manifests } from '../model/types.ts';
import { addProblem, formatSource, groupOwned, snapshotOwnership, type PlanContext } from './context.ts';
import { shortHash } from './hash.ts';
import type { Change, FieldChange } from './types.ts';

function deleteChange(name: string, snap: LiveSnapshot, why: string, many: boolean, protect: boolean, source?: string): Change {
  return {
    id: many ? `Snapshot/${name}@${snap.id}#delete` : `Snapshot/${name}#delete`, action: 'delete', kind: 'Snapshot', name,
    reason: `${snap.id} ${why}`, fields: [], dependsOn: [], source, ...(protect ? { protected: true } : {}),
    payload: { op: 'snapshot.delete', snapshot: snap },
  };
}

/**
 * Snapshots named after a declared Server are the fresh snapshots its rebuilds take. One that is
 * still pending, or whose server has a rebuild in progress, may be what that rebuild builds from:
 * kept. The rest were left by finished rebuilds and are cleaned up.
 */
function planRebuildSnapshots(ctx: PlanContext, server: string, live: LiveSnapshot[]): void {
  const rebuilding = ctx.live.servers.some((s) => s.ownership?.owner === ctx.owner && s.ownership.name === server && s.ownership.successorOf !== undefined);
  if (rebuilding) return;
  const done = live.filter((s) => s.status === 'complete');
  for (const s of done) ctx.changes.push(deleteChange(server, s, `was taken by a finished rebuild of Server/${server}`, done.length > 1, markedProtected(s)));
}

/** Plans snapshot changes; run after `planServers` (a new snapshot's source may be created in the same plan). */
export function planSnapshots(ctx: PlanContext): void {
  const present = ctx.live.snapshots.filter((s) => s.status !== 'deleted');
  const byName = groupOwned(ctx, 'Snapshot', present, snapshotOwnership, (s) => s.description || s.id);
  const names = [...new Set([...ctx.desired.snapshots.keys(), ...byName.keys()])].sort();
  const inUse = snapshotsInUse(ctx.desired);
  for (const name of names) {
    const doc = ctx.desired.snapshots.get(name);
    // Newest first: the newest complete snapshot is the one servers are built from.
    const live = (byName.get(name) ?? []).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
    const source = formatSource(doc?.source);
    if (!doc) {
      const users = inUse.get(name);
      if (users) {
        ctx.warnings.push(`[Snapshot/${name}] no Snapshot manifest declares it, but ${users.map((u) => `Server/${u}`).join(', ')} still build${users.length > 1 ? '' : 's'} from it: kept`);
        continue;
      }
      if (ctx.desired.servers.has(name)) {
        planRebuildSnapshots(ctx, name, live);
        continue;
      }
      for (const s of live) ctx.changes.push(deleteChange(name, s, 'no longer in the manifests', live.length > 1, markedProtected(s)));
      continue;
    }
    const protect = doc.spec.protect;
    if (live.length === 0) {
      const from = doc.spec.fromServer;
      const addr = ctx.addresses.get(from);
      if (!addr && !ctx.desired.servers.has(from)) {
        addProblem(ctx, doc.source, `Snapshot/${name}`, '/spec/fromServer', `server "${from}" is not declared in the manifests`);
        continue;
      }
      const op = shortHash({ owner: ctx.owner, name, from }, 12);
      ctx.changes.push({
        id: `Snapshot/${name}#create`, action: 'create', kind: 'Snapshot', name,
        reason: 'declared in the manifests, no snapshot found', fields: [{ field: 'fromServer', to: from }, { field: 'description', to: doc.spec.description ?? '' }],
        dependsOn: addr?.pendingChange ? [addr.pendingChange] : [], source,
        payload: { op: 'snapshot.create', request: { name, fromServer: from, instanceId: addr?.pendingChange ? undefined : addr?.live?.id, description: formatSnapshotDescription(doc.spec.description, { owner: ctx.owner, name, op }, { protect }), op } },
      });
      continue;
    }
    // Keep the newest `keep` snapshots; pending ones are never deleted (a refresh may be running).
    const extra = live.slice(doc.spec.keep).filter((s) => s.status === 'complete');
    const kept = live.filter((s) => !extra.includes(s));
    const updates = kept.flatMap((s) => {
      const u = describeUpdate(ctx.owner, name, s, s === live[0] ? (doc.spec.description ?? '').trim() : undefined, protect);
      return u ? [{ snap: s, ...u }] : [];
    });
    for (const u of updates) {
      ctx.changes.push({
        id: updates.length > 1 ? `Snapshot/${name}@${u.snap.id}#update` : `Snapshot/${name}#update`, action: 'update', kind: 'Snapshot', name,
        reason: `update the ${u.fields.map((f) => f.field).join(' and ')} of ${u.snap.id} in place`, fields: u.fields, dependsOn: [], source,
        payload: { op: 'snapshot.update', snapshotId: u.snap.id, description: u.description, live: u.snap },
      });
    }
    for (const s of extra) ctx.changes.push(deleteChange(name, s, `is beyond keep: ${doc.spec.keep}`, extra.length > 1, protect || markedProtected(s), source));
  }
}

/**
 * Snapshot names the declared Servers build from (`image.snapshot`, `rebuild.snapshot`), each with
 * the servers using it; `except` leaves one server out (the one being destroyed). Pure.
 */
export function snapshotsInUse(manifests: Manifests, except?: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const use = (snap: string, server: string): void => {
    const users = out.get(snap) ?? [];
    if (!users.includes(server)) out.set(snap, [...users, server]);
  };
  for (const s of manifests.servers.values()) {
    if (s.metadata.name === except) continue;
    if ('snapshot' in s.spec.image) use(s.spec.image.snapshot, s.metadata.name);
    if (s.spec.rebuild?.snapshot) use(s.spec.rebuild.snapshot, s.metadata.name);
  }
  return out;
}

/** Whether a live snapshot's marker says it is protected. */
function markedProtected(s: LiveSnapshot): boolean {
  return parseSnapshotDescription(s.description).protect === true;
}

/**
 * The description a kept snapshot should carry: the manifest's text (for the newest; `text`
 * undefined keeps the snapshot's own) and the protect flag, its marker's op kept. Undefined when it
 * already does.
 */
function describeUpdate(owner: string, name: string, s: LiveSnapshot, text: string | undefined, protect: boolean): { description: string; fields: FieldChange[] } | undefined {
  const parsed = parseSnapshotDescription(s.description);
  const fields: FieldChange[] = [];
  if (text !== undefined && parsed.text !== text) fields.push({ field: 'description', from: parsed.text, to: text });
  if ((parsed.protect === true) !== protect) fields.push({ field: 'protect', from: parsed.protect === true, to: protect });
  if (fields.length === 0) return undefined;
  const op = parsed.ownership?.op;
  return { description: formatSnapshotDescription(text ?? parsed.text, { owner, name, ...(op ? { op } : {}) }, { protect }), fields };
}
