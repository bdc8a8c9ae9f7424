import { randomUUID } from 'node:crypto';
import type { Handler, Route, SimContext } from '../http-types.ts';
import type { SimSnapshot } from '../types.ts';
import { vultrTime } from '../clock.ts';
import { VULTR_ERRORS, VultrFailure } from './errors.ts';
import { bodyObject, optString, reqString } from './fields.ts';
import { paginate } from './paging.ts';
import { snapshotView } from './views.ts';

function findSnapshot(ctx: SimContext, id: string | undefined): SimSnapshot {
  const snap = id === undefined ? undefined : ctx.world.snapshots.get(id);
  if (!snap) throw new VultrFailure(404, VULTR_ERRORS.snapshotNotFound);
  return snap;
}

function newSnapshot(ctx: SimContext, fields: Pick<SimSnapshot, 'description' | 'fullSize' | 'os_id' | 'app_id'>): SimSnapshot {
  const now = ctx.clock.now();
  const snap: SimSnapshot = { id: randomUUID(), date_created: vultrTime(now), createdAt: now, readyAt: now + ctx.timings.snapshotMs, ...fields };
  ctx.world.snapshots.set(snap.id, snap);
  return snap;
}

const list: Handler = (req, ctx) => {
  const want = req.query.get('description');
  const items = [...ctx.world.snapshots.values()].filter((s) => !want || s.description === want);
  const { page, meta } = paginate(items, req.query, ctx.limits.vultrPerPageMax);
  const now = ctx.clock.now();
  return { status: 200, body: { snapshots: page.map((s) => snapshotView(s, now)), meta } };
};

const create: Handler = (req, ctx) => {
  const b = bodyObject(req.body);
  const instanceId = reqString(b, 'instance_id');
  const inst = ctx.world.instances.get(instanceId);
  if (!inst) throw new VultrFailure(400, VULTR_ERRORS.invalidInstance);
  const plan = ctx.world.plans.find((p) => p.id === inst.plan);
  const snap = newSnapshot(ctx, {
    description: optString(b, 'description') ?? '', fullSize: (plan?.disk ?? 25) * 1_073_741_824, os_id: inst.os_id, app_id: inst.app_id,
  });
  return { status: 201, body: { snapshot: snapshotView(snap, ctx.clock.now()) } };
};

const createFromUrl: Handler = (req, ctx) => {
  const b = bodyObject(req.body);
  const url = reqString(b, 'url');
  if (!/^https?:\/\/\S+$/.test(url)) throw new VultrFailure(400, VULTR_ERRORS.invalidField('url'));
  // The URL is only recorded; the simulator never fetches it.
  const snap = newSnapshot(ctx, { description: optString(b, 'description') ?? '', fullSize: 10 * 1_073_741_824, os_id: 159, app_id: 0 });
  return { status: 202, body: { snapshot: snapshotView(snap, ctx.clock.now()) } };
};

const get: Handler = (req, ctx) => ({ status: 200, body: { snapshot: snapshotView(findSnapshot(ctx, req.params['snapshot-id']), ctx.clock.now()) } });

const put: Handler = (req, ctx) => {
  const snap = findSnapshot(ctx, req.params['snapshot-id']);
  const description = reqString(bodyObject(req.body), 'description');
  ctx.world.snapshots.set(snap.id, { ...snap, description });
  return { status: 204 };
};

const remove: Handler = (req, ctx) => {
  const snap = findSnapshot(ctx, req.params['snapshot-id']);
  ctx.world.snapshots.delete(snap.id);
  return { status: 204 };
};

/** Vultr snapshot endpoints. */
export function snapshotRoutes(): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({ api: 'vultr', method, template: `/v2/snapshots${path}`, handler });
  return [
    r('GET', '', list), r('POST', '', create), r('POST', '/create-from-url', createFromUrl), r('GET', '/:snapshot-id', get),
    r('PUT', '/:snapshot-id', put), r('DELETE', '/:snapshot-id', remove),
  ];
}
