import type { Handler, Route } from '../http-types.ts';
import type { SimZone } from '../types.ts';
import { CF_ERRORS, CfFailure, cfSuccess } from './errors.ts';
import { pageOf, sortBy } from './paging.ts';
import { recordHandlers as h } from './records.ts';
import { batchHandler } from './batch.ts';
import { zoneView } from './views.ts';

/** `name=contains:x` / `starts_with:` / `ends_with:` / plain equality, as the zones list documents. */
function nameTest(spec: string): (value: string) => boolean {
  const m = /^(contains|starts_with|ends_with):(.*)$/.exec(spec);
  const want = (m ? m[2] : spec)?.toLowerCase() ?? '';
  switch (m?.[1]) {
    case 'contains': return (v) => v.toLowerCase().includes(want);
    case 'starts_with': return (v) => v.toLowerCase().startsWith(want);
    case 'ends_with': return (v) => v.toLowerCase().endsWith(want);
    default: return (v) => v.toLowerCase() === want;
  }
}

const ZONE_ORDER: Record<string, (z: SimZone) => string> = {
  name: (z) => z.name, status: (z) => z.status, 'account.id': (z) => z.account.id, 'account.name': (z) => z.account.name, 'plan.id': (z) => z.plan,
};

const listZones: Handler = (req, ctx) => {
  const q = req.query;
  const tests: ((z: SimZone) => boolean)[] = [];
  const name = q.get('name');
  if (name !== null) tests.push((z) => nameTest(name)(z.name));
  const status = q.get('status');
  if (status !== null) tests.push((z) => z.status === status);
  const accountId = q.get('account.id');
  if (accountId !== null) tests.push((z) => z.account.id === accountId);
  const accountName = q.get('account.name');
  if (accountName !== null) tests.push((z) => nameTest(accountName)(z.account.name));
  const any = q.get('match') === 'any';
  const keep = (z: SimZone) => tests.length === 0 || (any ? tests.some((t) => t(z)) : tests.every((t) => t(z)));
  const order = q.get('order') ?? 'name';
  const key = ZONE_ORDER[order];
  if (!key) throw new CfFailure(400, [CF_ERRORS.badQuery('order')]);
  const zones = sortBy([...ctx.world.zones.values()].filter(keep), key, q.get('direction'));
  const { page, info } = pageOf(zones, q, { min: 5, max: 50, def: 20 });
  return cfSuccess(page.map(zoneView), info);
};

const getZone: Handler = (req, ctx) => {
  const zone = ctx.world.zones.get(req.params.zone_id ?? '');
  if (!zone) throw new CfFailure(404, [CF_ERRORS.noRouteFor(`/zones/${req.params.zone_id}`), CF_ERRORS.noRoute]);
  return cfSuccess(zoneView(zone));
};

/** The Cloudflare v4 endpoints the simulator serves. */
export function cloudflareRoutes(): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({ api: 'cloudflare', method, template: `/client/v4/zones${path}`, handler });
  const rec = '/:zone_id/dns_records';
  return [
    r('GET', '', listZones), r('GET', '/:zone_id', getZone),
    r('GET', rec, h.list), r('POST', rec, h.create), r('POST', `${rec}/batch`, batchHandler), r('GET', `${rec}/:dns_record_id`, h.get),
    r('PATCH', `${rec}/:dns_record_id`, h.patch), r('PUT', `${rec}/:dns_record_id`, h.put), r('DELETE', `${rec}/:dns_record_id`, h.remove),
  ];
}
