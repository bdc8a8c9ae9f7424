import type { SimInstance, SimSnapshot, VultrPlan } from '../types.ts';
import type { World } from '../world.ts';
import { gatewayOf } from '../ip-pool.ts';
import { instancePhase } from './lifecycle.ts';

const cache = new WeakMap<SimInstance, { until: number; json: string }>();

/** An instance as Vultr returns it at simulated time `now` (without `default_password`). */
export function instanceView(inst: SimInstance, now: number, plans: readonly VultrPlan[]): Record<string, unknown> {
  const phase = instancePhase(inst, now);
  const plan = plans.find((p) => p.id === inst.plan);
  const v6 = inst.v6_ip !== '' && phase.hasIp;
  return {
    id: inst.id,
    os: inst.os,
    ram: plan?.ram ?? 0,
    disk: phase.status === 'pending' ? 0 : (plan?.disk ?? 0),
    main_ip: phase.hasIp ? inst.ip : '0.0.0.0',
    vcpu_count: plan?.vcpu_count ?? 0,
    region: inst.region,
    plan: inst.plan,
    date_created: inst.date_created,
    status: phase.status,
    allowed_bandwidth: plan ? Math.round(plan.bandwidth / 1024) * 1000 : 0,
    netmask_v4: phase.hasIp ? '255.255.255.0' : '',
    gateway_v4: phase.hasIp ? gatewayOf(inst.ip) : '0.0.0.0',
    power_status: inst.power_status,
    server_status: phase.server_status,
    v6_network: v6 ? inst.v6_network : '',
    v6_main_ip: v6 ? inst.v6_ip : '',
    v6_network_size: v6 ? 64 : 0,
    label: inst.label,
    internal_ip: inst.internal_ip,
    kvm: '',
    hostname: inst.hostname,
    tag: inst.tag,
    tags: inst.tags,
    os_id: inst.os_id,
    app_id: inst.app_id,
    image_id: inst.image_id,
    firewall_group_id: inst.firewall_group_id,
    features: inst.features,
    user_scheme: inst.user_scheme,
  };
}

/**
 * The instance view serialized, with the simulated ms at which it next changes; cached per stored
 * version of the instance until then (lists of 500 stay cheap).
 */
export function instanceJsonUntil(inst: SimInstance, now: number, world: World): { json: string; until: number } {
  const hit = cache.get(inst);
  if (hit && now < hit.until) return hit;
  const entry = { json: JSON.stringify(instanceView(inst, now, world.plans)), until: instancePhase(inst, now).changesAt };
  cache.set(inst, entry);
  return entry;
}

/** The instance view serialized (see instanceJsonUntil). */
export function instanceJson(inst: SimInstance, now: number, world: World): string {
  return instanceJsonUntil(inst, now, world).json;
}

/** A snapshot as Vultr returns it: `pending` with size 0 until it is ready. */
export function snapshotView(s: SimSnapshot, now: number): Record<string, unknown> {
  const complete = now >= s.readyAt;
  return {
    id: s.id,
    date_created: s.date_created,
    description: s.description,
    size: complete ? s.fullSize : 0,
    compressed_size: complete ? Math.round(s.fullSize * 0.35) : 0,
    status: complete ? 'complete' : 'pending',
    os_id: s.os_id,
    app_id: s.app_id,
  };
}

/** `{"<key>": [...], "meta": {...}}` from pre-serialized items. */
export function listJson(key: string, items: string[], meta: unknown): string {
  return `{"${key}":[${items.join(',')}],"meta":${JSON.stringify(meta)}}`;
}
