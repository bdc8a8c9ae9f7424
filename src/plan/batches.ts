/**
 * Grouping a zone's ready record changes into Cloudflare batch calls: at most N records per batch
 * (200 on Free, 3,500 on paid), filled in the order the batch endpoint executes them: deletes,
 * patches, puts, posts. A batch is one transaction at Cloudflare, so a set's new record and the
 * delete it waits for may share a batch only if the executor chooses to relax `dependsOn` for it;
 * this helper only groups what it is given.
 */
import type { ZonePlan } from '../model/live.ts';
import type { Change } from './types.ts';

export interface RecordBatch {
  zoneId: string;
  deletes: Change[];
  /** Updates in place (PATCH: only the fields that change). */
  patches: Change[];
  /** Full overwrites; keelson's planner emits none today, kept for the endpoint's shape. */
  puts: Change[];
  posts: Change[];
}

export function recordBatchLimit(plan: ZonePlan): number {
  return plan === 'free' ? 200 : 3500;
}

const SLOT = { 'record.delete': 'deletes', 'record.update': 'patches', 'record.create': 'posts' } as const;

/** Groups record changes by zone, then into batches of at most `limit` records. Non-record changes are ignored. */
export function batchRecordChanges(changes: readonly Change[], limit: number): RecordBatch[] {
  if (limit < 1) throw new Error(`batch limit must be at least 1, got ${limit}`);
  const byZone = new Map<string, { deletes: Change[]; patches: Change[]; puts: Change[]; posts: Change[] }>();
  for (const c of changes) {
    const op = c.payload.op;
    if (op !== 'record.delete' && op !== 'record.update' && op !== 'record.create') continue;
    const zoneId = c.payload.zoneId;
    const z = byZone.get(zoneId) ?? { deletes: [], patches: [], puts: [], posts: [] };
    z[SLOT[op]].push(c);
    byZone.set(zoneId, z);
  }
  const out: RecordBatch[] = [];
  for (const [zoneId, z] of byZone) {
    let cur: RecordBatch = { zoneId, deletes: [], patches: [], puts: [], posts: [] };
    let size = 0;
    for (const slot of ['deletes', 'patches', 'puts', 'posts'] as const) {
      for (const c of z[slot]) {
        if (size === limit) {
          out.push(cur);
          cur = { zoneId, deletes: [], patches: [], puts: [], posts: [] };
          size = 0;
        }
        cur[slot].push(c);
        size++;
      }
    }
    if (size > 0) out.push(cur);
  }
  return out;
}
