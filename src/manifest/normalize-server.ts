import type { DestroyHook, RebuildPolicy, ServerDoc, ServerImage, ServerSpec, ProjectConfig, SnapshotDoc, RegionPoolDoc } from '../model/types.ts';
import { asRaw, dur, envelopeOf, healthCheckOf, opt, optDur, or, type Raw, specOf, sshOf, ttlOf, webhookOf } from './normalize-common.ts';
import type { CheckedDocument } from './validate-schema.ts';

/**
 * A Server with defaults filled in. The region is resolved here: the manifest's own, else the first
 * region of its pool, else keelson.yaml's default (empty when none applies; the rules report that).
 */
export function normalizeServer(c: CheckedDocument, project: ProjectConfig, pools: Map<string, RegionPoolDoc>): ServerDoc {
  const spec = specOf(c);
  const pool = opt<string>(spec, 'regionPool');
  const poolRegions = pool ? pools.get(pool)?.spec.regions : undefined;
  const region = opt<string>(spec, 'region') ?? poolRegions?.[0] ?? project.defaults.region ?? '';
  const image = asRaw(spec.image);
  const img: ServerImage = typeof image.snapshot === 'string' ? { snapshot: image.snapshot } : { os: image.os as string };
  const out: ServerSpec = {
    provider: 'vultr',
    region,
    ...(pool ? { regionPool: pool } : {}),
    plan: spec.plan as string,
    image: img,
    sshKeys: [...or<string[]>(spec, 'sshKeys', project.defaults.sshKeys)],
    enableIpv6: or(spec, 'enableIpv6', false),
    tags: [...or<string[]>(spec, 'tags', [])],
    protect: or(spec, 'protect', false),
    dns: or<Raw[]>(spec, 'dns', []).map((d) => {
      const ttl = ttlOf(d.ttl);
      return { zone: d.zone as string, name: d.name as string, type: or(d, 'type', 'A'), ...(ttl === undefined ? {} : { ttl }), proxied: or(d, 'proxied', false) };
    }),
    destroyHooks: or<Raw[]>(spec, 'destroyHooks', []).map((h) => destroyHookOf(h, project)),
  };
  for (const key of ['hostname', 'startupScript', 'userData'] as const) {
    const v = opt<string>(spec, key);
    if (v !== undefined) out[key] = v;
  }
  if (spec.healthCheck) out.healthCheck = healthCheckOf(spec.healthCheck);
  if (spec.rebuild) out.rebuild = rebuildOf(asRaw(spec.rebuild), region, poolRegions, img);
  if (spec.bandwidth) out.bandwidth = { monthlyLimitGB: asRaw(spec.bandwidth).monthlyLimitGB as number };
  return { kind: 'Server', ...envelopeOf(c), spec: out };
}

function rebuildOf(r: Raw, region: string, poolRegions: string[] | undefined, image: ServerImage): RebuildPolicy {
  const window = opt<{ start: string; end: string }>(r, 'window');
  const schedule = opt<string>(r, 'schedule');
  const snapshot = opt<string>(r, 'snapshot') ?? ('snapshot' in image ? image.snapshot : undefined);
  const drain = optDur(r, 'drain');
  return {
    ...(schedule ? { schedule } : {}),
    timezone: or(r, 'timezone', 'UTC'),
    ...(window ? { window: { start: window.start, end: window.end } } : {}),
    jitter: dur(r, 'jitter', '0s'),
    rotateRegions: or(r, 'rotateRegions', false),
    regions: [...(opt<string[]>(r, 'regions') ?? poolRegions ?? (region ? [region] : []))],
    ...(snapshot ? { snapshot } : {}),
    freshSnapshot: or(r, 'freshSnapshot', false),
    ...(drain === undefined ? {} : { drain }),
    installTimeout: dur(r, 'installTimeout', '60m'),
  };
}

function destroyHookOf(h: Raw, project: ProjectConfig): DestroyHook {
  const name = h.name as string;
  if (h.webhook) return { name, webhook: webhookOf(h.webhook) };
  const s = asRaw(h.ssh);
  return { name, ssh: { host: s.host as string, ssh: sshOf(s.ssh, project.defaults.ssh, project.root), command: s.command as string } };
}

export function normalizeSnapshot(c: CheckedDocument): SnapshotDoc {
  const spec = specOf(c);
  const refresh = spec.refresh ? asRaw(spec.refresh) : undefined;
  const description = opt<string>(spec, 'description');
  return {
    kind: 'Snapshot',
    ...envelopeOf(c),
    spec: {
      provider: 'vultr',
      fromServer: spec.fromServer as string,
      ...(description === undefined ? {} : { description }),
      ...(refresh ? { refresh: { schedule: refresh.schedule as string, timezone: or(refresh, 'timezone', 'UTC') } } : {}),
      keep: or(spec, 'keep', 1),
      protect: or(spec, 'protect', false),
    },
  };
}

export function normalizeRegionPool(c: CheckedDocument): RegionPoolDoc {
  const spec = specOf(c);
  return { kind: 'RegionPool', ...envelopeOf(c), spec: { provider: 'vultr', regions: [...(spec.regions as string[])] } };
}
