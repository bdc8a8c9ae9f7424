import type { Handler } from '../http-types.ts';
import type { SimRecord } from '../types.ts';
import { CF_ERRORS, CfFailure, cfSuccess } from './errors.ts';
import { changeRecord, createRecord, zoneOf } from './records.ts';
import { recordView } from './views.ts';

function list(body: Record<string, unknown>, key: string): unknown[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new CfFailure(400, [CF_ERRORS.validation(`${key} must be an array`)]);
  return v;
}

function idOf(item: unknown): string {
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') throw new CfFailure(400, [CF_ERRORS.validation('id is required')]);
  return id;
}

/**
 * `POST /zones/:zone_id/dns_records/batch`: deletes, patches, puts, posts, in that order, as one
 * transaction. Work happens on a copy of the zone's records that replaces the real set only when
 * every operation succeeded; the first failure is returned and nothing is applied.
 */
export const batchHandler: Handler = (req, ctx) => {
  const { zone, records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records/batch`);
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CfFailure(400, [CF_ERRORS.invalidJson]);
  const b = body as Record<string, unknown>;
  const [deletes, patches, puts, posts] = [list(b, 'deletes'), list(b, 'patches'), list(b, 'puts'), list(b, 'posts')];
  const max = ctx.limits.zonePlans[zone.plan].batchMax;
  const total = deletes.length + patches.length + puts.length + posts.length;
  if (total > max) throw new CfFailure(400, [CF_ERRORS.batchTooLarge(max)]);
  const draft = new Map(records);
  const touched: string[] = [];
  const result = { deletes: [] as SimRecord[], patches: [] as SimRecord[], puts: [] as SimRecord[], posts: [] as SimRecord[] };
  for (const item of deletes) {
    const id = idOf(item);
    const prev = draft.get(id);
    if (!prev) throw new CfFailure(404, [CF_ERRORS.recordNotFound]);
    draft.delete(id);
    result.deletes.push(prev);
    touched.push(id);
  }
  for (const item of patches) {
    result.patches.push(changeRecord(idOf(item), withoutId(item), true, zone, draft, ctx));
    touched.push(idOf(item));
  }
  for (const item of puts) {
    result.puts.push(changeRecord(idOf(item), withoutId(item), false, zone, draft, ctx));
    touched.push(idOf(item));
  }
  for (const item of posts) result.posts.push(createRecord(item, zone, draft, ctx));
  ctx.world.replaceZoneRecords(zone.id, draft);
  for (const id of touched) ctx.touch({ kind: 'dns_record', id });
  return cfSuccess({
    deletes: result.deletes.map(recordView), patches: result.patches.map(recordView), puts: result.puts.map(recordView), posts: result.posts.map(recordView),
  });
};

function withoutId(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const { id: _id, ...rest } = item as Record<string, unknown>;
  return rest;
}
