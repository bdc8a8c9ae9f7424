import { randomUUID } from 'node:crypto';
import type { Handler, Route, SimContext } from '../http-types.ts';
import type { SimReservedIp } from '../types.ts';
import { VULTR_ERRORS, VultrFailure } from './errors.ts';
import { bodyObject, optString, reqString } from './fields.ts';
import { paginate } from './paging.ts';

function findReservedIp(ctx: SimContext, id: string | undefined): SimReservedIp {
  const rip = id === undefined ? undefined : ctx.world.reservedIps.get(id);
  if (!rip) throw new VultrFailure(404, VULTR_ERRORS.reservedIpNotFound);
  return rip;
}

function save(ctx: SimContext, rip: SimReservedIp): SimReservedIp {
  ctx.world.reservedIps.set(rip.id, rip);
  return rip;
}

/** Reserved IP endpoints: create, label, attach/detach, convert an instance's IP. */
export function reservedIpRoutes(): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({ api: 'vultr', method, template: `/v2/reserved-ips${path}`, handler });
  return [
    r('GET', '', (req, ctx) => {
      const { page, meta } = paginate([...ctx.world.reservedIps.values()], req.query, ctx.limits.vultrPerPageMax);
      return { status: 200, body: { reserved_ips: page, meta } };
    }),
    r('POST', '', (req, ctx) => {
      const b = bodyObject(req.body);
      const region = reqString(b, 'region');
      const ipType = reqString(b, 'ip_type');
      if (!ctx.world.regions.some((x) => x.id === region)) throw new VultrFailure(400, VULTR_ERRORS.invalidRegion);
      if (ipType !== 'v4' && ipType !== 'v6') throw new VultrFailure(400, VULTR_ERRORS.invalidIpType);
      const subnet = ipType === 'v4' ? ctx.world.allocateIpv4() : ctx.world.allocateIpv6().network;
      const rip = save(ctx, { id: randomUUID(), region, ip_type: ipType, subnet, subnet_size: ipType === 'v4' ? 32 : 64, label: optString(b, 'label') ?? '', instance_id: '' });
      return { status: 201, body: { reserved_ip: rip } };
    }),
    r('POST', '/convert', (req, ctx) => {
      const b = bodyObject(req.body);
      const ip = reqString(b, 'ip_address');
      const inst = [...ctx.world.instances.values()].find((i) => i.ip === ip);
      if (!inst) throw new VultrFailure(404, VULTR_ERRORS.ipNotOnAccount);
      const rip = save(ctx, { id: randomUUID(), region: inst.region, ip_type: 'v4', subnet: ip, subnet_size: 32, label: optString(b, 'label') ?? '', instance_id: inst.id });
      return { status: 201, body: { reserved_ip: rip } };
    }),
    r('GET', '/:reserved-ip', (req, ctx) => ({ status: 200, body: { reserved_ip: findReservedIp(ctx, req.params['reserved-ip']) } })),
    r('PATCH', '/:reserved-ip', (req, ctx) => {
      const rip = findReservedIp(ctx, req.params['reserved-ip']);
      return { status: 200, body: { reserved_ip: save(ctx, { ...rip, label: reqString(bodyObject(req.body), 'label') }) } };
    }),
    r('DELETE', '/:reserved-ip', (req, ctx) => {
      ctx.world.reservedIps.delete(findReservedIp(ctx, req.params['reserved-ip']).id);
      return { status: 204 };
    }),
    r('POST', '/:reserved-ip/attach', (req, ctx) => {
      const rip = findReservedIp(ctx, req.params['reserved-ip']);
      const instanceId = reqString(bodyObject(req.body), 'instance_id');
      if (!ctx.world.instances.has(instanceId)) throw new VultrFailure(404, VULTR_ERRORS.instanceNotFound);
      if (rip.instance_id) throw new VultrFailure(400, VULTR_ERRORS.reservedIpAttached);
      save(ctx, { ...rip, instance_id: instanceId });
      return { status: 204 };
    }),
    r('POST', '/:reserved-ip/detach', (req, ctx) => {
      const rip = findReservedIp(ctx, req.params['reserved-ip']);
      if (!rip.instance_id) throw new VultrFailure(400, VULTR_ERRORS.reservedIpNotAttached);
      save(ctx, { ...rip, instance_id: '' });
      return { status: 204 };
    }),
  ];
}
