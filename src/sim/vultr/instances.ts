import { randomBytes, randomUUID } from 'node:crypto';
import type { Handler, Route, SimContext } from '../http-types.ts';
import type { InstallKind, SimInstance } from '../types.ts';
import { utcDay, vultrTime } from '../clock.ts';
import { VULTR_ERRORS, VultrFailure } from './errors.ts';
import { bodyObject, optBool, optIntId, optString, optStringArray, reqString } from './fields.ts';
import { settleBandwidth } from './lifecycle.ts';
import { paginate } from './paging.ts';
import { instanceJson, instanceJsonUntil, instanceView, listJson } from './views.ts';

function findInstance(ctx: SimContext, id: string | undefined): SimInstance {
  const inst = id === undefined ? undefined : ctx.world.instances.get(id);
  if (!inst) throw new VultrFailure(404, VULTR_ERRORS.instanceNotFound);
  return inst;
}

function install(ctx: SimContext, kind: InstallKind): SimInstance['install'] {
  const t = ctx.timings;
  const durationMs = { os: t.osInstallMs, snapshot: t.snapshotInstallMs, reinstall: t.reinstallMs, reboot: t.rebootMs, resize: t.resizeMs }[kind];
  return { kind, startedAt: ctx.clock.now(), durationMs };
}

function checkPlanInRegion(ctx: SimContext, plan: string, region: string): void {
  if (!ctx.world.plans.some((p) => p.id === plan)) throw new VultrFailure(400, VULTR_ERRORS.invalidPlan);
  if (!(ctx.world.availability[region] ?? []).includes(plan)) throw new VultrFailure(400, VULTR_ERRORS.planNotInRegion);
}

function osName(ctx: SimContext, osId: number): string {
  const os = ctx.world.os.find((o) => o.id === osId);
  if (!os) throw new VultrFailure(400, VULTR_ERRORS.invalidOs);
  return os.name;
}

/** Resolves the one image source of a create; Vultr accepts exactly one. */
function imageSource(ctx: SimContext, b: Record<string, unknown>) {
  const osId = optIntId(b, 'os_id');
  const appId = optIntId(b, 'app_id');
  const isoId = optString(b, 'iso_id') || undefined;
  const snapshotId = optString(b, 'snapshot_id') || undefined;
  const imageId = optString(b, 'image_id') || undefined;
  const given = [osId, appId, isoId, snapshotId, imageId].filter((v) => v !== undefined).length;
  if (given === 0) throw new VultrFailure(400, VULTR_ERRORS.noSource);
  if (given > 1) throw new VultrFailure(400, VULTR_ERRORS.onlyOneSource);
  if (snapshotId !== undefined) {
    const snap = ctx.world.snapshots.get(snapshotId);
    if (!snap) throw new VultrFailure(400, VULTR_ERRORS.invalidSnapshot);
    if (ctx.clock.now() < snap.readyAt) throw new VultrFailure(400, VULTR_ERRORS.snapshotNotReady);
    return { kind: 'snapshot' as const, os: 'Snapshot', os_id: 164, app_id: snap.app_id, image_id: '', snapshot_id: snapshotId };
  }
  if (osId !== undefined) return { kind: 'os' as const, os: osName(ctx, osId), os_id: osId, app_id: 0, image_id: '', snapshot_id: '' };
  if (isoId !== undefined) return { kind: 'os' as const, os: 'Custom Installed', os_id: 159, app_id: 0, image_id: '', snapshot_id: '' };
  return { kind: 'os' as const, os: 'Application', os_id: 186, app_id: appId ?? 0, image_id: imageId ?? '', snapshot_id: '' };
}

const create: Handler = (req, ctx) => {
  const b = bodyObject(req.body);
  const region = reqString(b, 'region');
  const plan = reqString(b, 'plan');
  if (!ctx.world.regions.some((r) => r.id === region)) throw new VultrFailure(400, VULTR_ERRORS.invalidRegion);
  checkPlanInRegion(ctx, plan, region);
  const source = imageSource(ctx, b);
  const sshKeyIds = optStringArray(b, 'sshkey_id') ?? [];
  for (const key of sshKeyIds) if (!ctx.world.sshKeys.has(key)) throw new VultrFailure(400, VULTR_ERRORS.invalidSshKey);
  const scriptId = optString(b, 'script_id');
  if (scriptId && !ctx.world.startupScripts.has(scriptId)) throw new VultrFailure(400, VULTR_ERRORS.invalidStartupScript);
  const tags = optStringArray(b, 'tags') ?? [];
  const now = ctx.clock.now();
  const inst: SimInstance = {
    id: randomUUID(), os: source.os, os_id: source.os_id, app_id: source.app_id, image_id: source.image_id, snapshot_id: source.snapshot_id,
    plan, region, label: optString(b, 'label') ?? '', hostname: optString(b, 'hostname') || 'vultr-guest',
    tag: optString(b, 'tag') ?? '', tags, date_created: vultrTime(now), createdAt: now, power_status: 'running', suspended: false,
    ip: ctx.world.allocateIpv4(), v6_ip: '', v6_network: '', internal_ip: '', firewall_group_id: optString(b, 'firewall_group_id') ?? '',
    features: [], user_scheme: optString(b, 'user_scheme') ?? 'root', install: install(ctx, source.kind), bandwidth: {}, meteredUntil: now,
    ...(sshKeyIds.length ? { sshKeyIds } : {}), ...(scriptId ? { scriptId } : {}),
  };
  if (optBool(b, 'enable_ipv6')) {
    const v6 = ctx.world.allocateIpv6();
    Object.assign(inst, { v6_ip: v6.ip, v6_network: v6.network, features: ['ipv6'] });
  }
  if (optString(b, 'backups') === 'enabled') inst.features = [...inst.features, 'auto_backups'];
  ctx.world.instances.set(inst.id, inst);
  const password = randomBytes(12).toString('base64url');
  return { status: 202, body: { instance: { ...instanceView(inst, now, ctx.world.plans), default_password: password } } };
};

const list: Handler = (req, ctx) => {
  const q = req.query;
  const filters: [string, (i: SimInstance) => string | string[]][] = [
    ['tag', (i) => [i.tag, ...i.tags]], ['label', (i) => i.label], ['main_ip', (i) => i.ip], ['region', (i) => i.region],
    ['firewall_group_id', (i) => i.firewall_group_id],
  ];
  let items = [...ctx.world.instances.values()];
  for (const [name, get] of filters) {
    const want = q.get(name);
    if (want) items = items.filter((i) => [get(i)].flat().includes(want));
  }
  const { page, meta } = paginate(items, q, ctx.limits.vultrPerPageMax);
  const now = ctx.clock.now();
  // The page is right until the first of its instances moves to its next lifecycle phase.
  let until = Infinity;
  const views = page.map((i) => {
    const v = instanceJsonUntil(i, now, ctx.world);
    until = Math.min(until, v.until);
    return v.json;
  });
  return { status: 200, json: listJson('instances', views, meta), cache: { from: now, until } };
};

const get: Handler = (req, ctx) => {
  const inst = findInstance(ctx, req.params['instance-id']);
  const now = ctx.clock.now();
  // Reported: a GET right after create may 404 for a short while.
  if (now - inst.createdAt < ctx.timings.notFoundAfterCreateMs) throw new VultrFailure(404, VULTR_ERRORS.instanceNotFound);
  return { status: 200, json: `{"instance":${instanceJson(inst, now, ctx.world)}}` };
};

const update: Handler = (req, ctx) => {
  let inst = findInstance(ctx, req.params['instance-id']);
  const b = bodyObject(req.body);
  const label = optString(b, 'label');
  const tags = optStringArray(b, 'tags');
  const tag = optString(b, 'tag');
  const plan = optString(b, 'plan');
  const osId = optIntId(b, 'os_id');
  const firewall = optString(b, 'firewall_group_id');
  const userScheme = optString(b, 'user_scheme');
  const ipv6 = optBool(b, 'enable_ipv6');
  inst = { ...inst, ...(label !== undefined && { label }), ...(tags && { tags }), ...(tag !== undefined && { tag }) };
  if (firewall !== undefined) inst.firewall_group_id = firewall;
  if (userScheme !== undefined) inst.user_scheme = userScheme;
  if (ipv6 && inst.v6_ip === '') {
    const v6 = ctx.world.allocateIpv6();
    inst = { ...inst, v6_ip: v6.ip, v6_network: v6.network, features: [...inst.features, 'ipv6'] };
  }
  if (plan !== undefined && plan !== inst.plan) {
    checkPlanInRegion(ctx, plan, inst.region);
    inst = { ...inst, plan, install: install(ctx, 'resize') };
  }
  if (osId !== undefined && osId !== inst.os_id) {
    // Changing the OS reinstalls the server (reported), wiping it.
    inst = { ...inst, os_id: osId, os: osName(ctx, osId), snapshot_id: '', install: install(ctx, 'reinstall') };
  }
  ctx.world.instances.set(inst.id, inst);
  return { status: 202, json: `{"instance":${instanceJson(inst, ctx.clock.now(), ctx.world)}}` };
};

const remove: Handler = (req, ctx) => {
  const inst = findInstance(ctx, req.params['instance-id']);
  ctx.world.instances.delete(inst.id);
  for (const [id, rip] of ctx.world.reservedIps) if (rip.instance_id === inst.id) ctx.world.reservedIps.set(id, { ...rip, instance_id: '' });
  return { status: 204 };
};

const reinstall: Handler = (req, ctx) => {
  const inst = findInstance(ctx, req.params['instance-id']);
  const hostname = optString(bodyObject(req.body), 'hostname');
  const next = { ...inst, ...(hostname && { hostname }), install: install(ctx, 'reinstall') };
  ctx.world.instances.set(inst.id, next);
  return { status: 202, json: `{"instance":${instanceJson(next, ctx.clock.now(), ctx.world)}}` };
};

function power(action: 'start' | 'halt' | 'reboot'): Handler {
  return (req, ctx) => {
    const now = ctx.clock.now();
    let inst = settleBandwidth(findInstance(ctx, req.params['instance-id']), now);
    if (action === 'halt') inst = { ...inst, power_status: 'stopped' };
    if (action === 'start') inst = { ...inst, power_status: 'running', meteredUntil: now };
    if (action === 'reboot') inst = { ...inst, power_status: 'running', meteredUntil: now, install: install(ctx, 'reboot') };
    ctx.world.instances.set(inst.id, inst);
    return { status: 204 };
  };
}

const bandwidth: Handler = (req, ctx) => {
  const now = ctx.clock.now();
  const inst = settleBandwidth(findInstance(ctx, req.params['instance-id']), now);
  ctx.world.instances.set(inst.id, inst);
  const days = Number(req.query.get('date_range') ?? 30) || 30;
  const out: Record<string, { incoming_bytes: number; outgoing_bytes: number }> = {};
  const first = Math.max(inst.createdAt, now - (days - 1) * 86_400_000);
  for (let t = first; utcDay(t) <= utcDay(now); t += 86_400_000) {
    out[utcDay(t)] = inst.bandwidth[utcDay(t)] ?? { incoming_bytes: 0, outgoing_bytes: 0 };
  }
  return { status: 200, body: { bandwidth: out } };
};

/** Vultr instance endpoints. */
export function instanceRoutes(): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({ api: 'vultr', method, template: `/v2/instances${path}`, handler });
  return [
    r('GET', '', list), r('POST', '', create), r('GET', '/:instance-id', get), r('PATCH', '/:instance-id', update),
    r('DELETE', '/:instance-id', remove), r('POST', '/:instance-id/reinstall', reinstall), r('GET', '/:instance-id/bandwidth', bandwidth),
    r('POST', '/:instance-id/start', power('start')), r('POST', '/:instance-id/halt', power('halt')), r('POST', '/:instance-id/reboot', power('reboot')),
  ];
}
