import type { Handler, Route } from '../http-types.ts';
import { VULTR_ERRORS, VultrFailure } from './errors.ts';
import { paginate } from './paging.ts';

function listOf<T>(key: string, items: (q: URLSearchParams) => readonly T[]): Handler {
  return (req, ctx) => {
    const { page, meta } = paginate(items(req.query), req.query, ctx.limits.vultrPerPageMax);
    return { status: 200, body: { [key]: page, meta } };
  };
}

/** Regions, plans (with `locations`), availability per region, the OS list and the account. */
export function catalogRoutes(): Route[] {
  const r = (method: string, template: string, handler: Handler): Route => ({ api: 'vultr', method, template, handler });
  return [
    r('GET', '/v2/regions', (req, ctx) => listOf('regions', () => ctx.world.regions)(req, ctx)),
    r('GET', '/v2/plans', (req, ctx) => {
      const type = req.query.get('type');
      return listOf('plans', () => ctx.world.plans.filter((p) => !type || type === 'all' || p.type === type))(req, ctx);
    }),
    r('GET', '/v2/os', (req, ctx) => listOf('os', () => ctx.world.os)(req, ctx)),
    r('GET', '/v2/regions/:region-id/availability', (req, ctx) => {
      const region = req.params['region-id'] ?? '';
      const plans = ctx.world.availability[region];
      if (!ctx.world.regions.some((x) => x.id === region) || !plans) throw new VultrFailure(404, VULTR_ERRORS.regionNotFound);
      const type = req.query.get('type');
      const available = plans.filter((id) => !type || type === 'all' || ctx.world.plans.find((p) => p.id === id)?.type === type);
      return { status: 200, body: { available_plans: available } };
    }),
    r('GET', '/v2/account', (_req, ctx) => ({ status: 200, body: { account: ctx.world.account } })),
  ];
}
