import { randomBytes } from 'node:crypto';
import type { Handler, SimContext, SimRequest } from '../http-types.ts';
import type { SimRecord, SimZone } from '../types.ts';
import type { RevisionMap } from '../revision-map.ts';
import { cloudflareTime } from '../clock.ts';
import { CF_ERRORS, CfFailure, cfSuccess } from './errors.ts';
import { pageOf, sortBy } from './paging.ts';
import { MATCH_ALL, recordFilter } from './record-filter.ts';
import { checkConflicts, recordFields, recordQuota, type RecordFields } from './record-input.ts';
import { recordJson, recordView } from './views.ts';

/** The zone of a request, or Cloudflare's 7003/7000 pair. */
export function zoneOf(req: SimRequest, ctx: SimContext, path: string): { zone: SimZone; records: RevisionMap<string, SimRecord> } {
  const zone = ctx.world.zones.get(req.params.zone_id ?? '');
  const records = zone && ctx.world.zoneRecords(zone.id);
  if (!zone || !records) throw new CfFailure(404, [CF_ERRORS.noRouteFor(path), CF_ERRORS.noRoute]);
  return { zone, records };
}

export function newRecordId(): string {
  return randomBytes(16).toString('hex');
}

/** Builds the stored record for `fields`, keeping creation data of `prev` and stamping modification times. */
export function storeFields(zone: SimZone, id: string, fields: RecordFields, now: number, prev?: SimRecord): SimRecord {
  const stamp = cloudflareTime(now);
  const record: SimRecord = { id, zone_id: zone.id, ...fields, created_on: prev?.created_on ?? stamp, modified_on: stamp };
  const commentAt = prev && prev.comment === fields.comment ? prev.comment_modified_on : fields.comment !== null ? stamp : undefined;
  const tagsAt = prev && prev.tags.join('\n') === fields.tags.join('\n') ? prev.tags_modified_on : fields.tags.length > 0 ? stamp : undefined;
  if (commentAt) record.comment_modified_on = commentAt;
  if (tagsAt) record.tags_modified_on = tagsAt;
  return record;
}

/** The fields of a stored record, as a PATCH base. */
export function fieldsOf(r: SimRecord): RecordFields {
  const { id: _id, zone_id: _z, created_on: _c, modified_on: _m, comment_modified_on: _cm, tags_modified_on: _tm, ...fields } = r;
  return fields;
}

/** Creates a record in `records` after plan limits, conflicts and quota checks. */
export function createRecord(body: unknown, zone: SimZone, records: Map<string, SimRecord>, ctx: SimContext): SimRecord {
  const fields = recordFields(body, zone, ctx.limits);
  checkConflicts(fields, records.values());
  if (records.size >= recordQuota(zone, ctx.limits)) throw new CfFailure(400, [CF_ERRORS.recordQuota]);
  const record = storeFields(zone, newRecordId(), fields, ctx.clock.now());
  records.set(record.id, record);
  return record;
}

/** Replaces (PUT) or patches (PATCH) a record in `records`. */
export function changeRecord(id: string, body: unknown, patch: boolean, zone: SimZone, records: Map<string, SimRecord>, ctx: SimContext): SimRecord {
  const prev = records.get(id);
  if (!prev) throw new CfFailure(404, [CF_ERRORS.recordNotFound]);
  const fields = recordFields(body, zone, ctx.limits, patch ? fieldsOf(prev) : undefined);
  checkConflicts(fields, records.values(), id);
  const record = storeFields(zone, id, fields, ctx.clock.now(), prev);
  records.set(id, record);
  return record;
}

const ORDER_KEYS: Record<string, (r: SimRecord) => string | number | boolean> = {
  type: (r) => r.type, name: (r) => r.name, content: (r) => r.content, ttl: (r) => r.ttl, proxied: (r) => r.proxied,
};

const sortCache = new WeakMap<Map<string, SimRecord>, { version: number; order: string; direction: string | null; items: SimRecord[] }>();

/**
 * The zone's records in list order, cached per record set until it changes: paging through a
 * 5,000-record zone sorts it once, not once per page.
 */
function sortedRecords(records: RevisionMap<string, SimRecord>, order: string, direction: string | null): SimRecord[] {
  const hit = sortCache.get(records);
  if (hit && hit.version === records.version && hit.order === order && hit.direction === direction) return hit.items;
  const items = sortBy([...records.values()], ORDER_KEYS[order] ?? ORDER_KEYS.type!, direction);
  sortCache.set(records, { version: records.version, order, direction, items });
  return items;
}

const list: Handler = (req, ctx) => {
  const { zone, records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records`);
  const order = req.query.get('order') ?? 'type';
  const key = ORDER_KEYS[order];
  if (!key) throw new CfFailure(400, [CF_ERRORS.badQuery('order')]);
  const test = recordFilter(req.query, zone.name);
  const all = sortedRecords(records, order, req.query.get('direction'));
  const matched = test === MATCH_ALL ? all : all.filter(test);
  const { page, info } = pageOf(matched, req.query, { min: 1, max: 5_000_000, def: 100 });
  const json = `{"success":true,"errors":[],"messages":[],"result":[${page.map(recordJson).join(',')}],"result_info":${JSON.stringify(info)}}`;
  // Records have no time-dependent fields: the page stays right until the world changes.
  return { status: 200, json, cache: { from: -Infinity, until: Infinity } };
};

const create: Handler = (req, ctx) => {
  const { zone, records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records`);
  return cfSuccess(recordView(createRecord(req.body, zone, records, ctx)));
};

const get: Handler = (req, ctx) => {
  const { records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records/${req.params.dns_record_id}`);
  const record = records.get(req.params.dns_record_id ?? '');
  if (!record) throw new CfFailure(404, [CF_ERRORS.recordNotFound]);
  return cfSuccess(recordView(record));
};

function change(patch: boolean): Handler {
  return (req, ctx) => {
    const { zone, records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records/${req.params.dns_record_id}`);
    return cfSuccess(recordView(changeRecord(req.params.dns_record_id ?? '', req.body, patch, zone, records, ctx)));
  };
}

const remove: Handler = (req, ctx) => {
  const { records } = zoneOf(req, ctx, `/zones/${req.params.zone_id}/dns_records/${req.params.dns_record_id}`);
  const id = req.params.dns_record_id ?? '';
  if (!records.delete(id)) throw new CfFailure(404, [CF_ERRORS.recordNotFound]);
  return cfSuccess({ id });
};

/** Handlers for the single-record endpoints; routes.ts wires them. */
export const recordHandlers = { list, create, get, patch: change(true), put: change(false), remove };
