/**
 * Rules about references between documents: every name resolves, regions agree with pools, and
 * no server is installed from a snapshot that (through any chain) is taken from itself.
 */
import type { DeploymentDoc, ServerDoc } from '../model/types.ts';
import { rawAt, report, requireRef, resourceName, type RuleContext } from './rules-context.ts';

export function checkServers(ctx: RuleContext): void {
  for (const server of ctx.manifests.servers.values()) {
    const s = server.spec;
    const pool = s.regionPool ? ctx.manifests.regionPools.get(s.regionPool) : undefined;
    if (s.regionPool) requireRef(ctx, server, ['spec', 'regionPool'], 'RegionPool', s.regionPool);
    if (!s.region && !s.regionPool) report(ctx, server, ['spec'], 'has no region: set spec.region or spec.regionPool, or defaults.region in keelson.yaml');
    const explicitRegion = rawAt(ctx, server, ['spec', 'region']) !== undefined;
    if (pool && explicitRegion && !pool.spec.regions.includes(s.region)) {
      report(ctx, server, ['spec', 'region'], `"${s.region}" is not in RegionPool "${pool.metadata.name}" (${pool.spec.regions.join(', ')})`);
    }
    if ('snapshot' in s.image) requireRef(ctx, server, ['spec', 'image', 'snapshot'], 'Snapshot', s.image.snapshot);
    s.dns.forEach((d, i) => requireRef(ctx, server, ['spec', 'dns', i, 'zone'], 'DNSZone', d.zone));
    s.dns.forEach((d, i) => {
      if (d.type === 'AAAA' && !s.enableIpv6) report(ctx, server, ['spec', 'dns', i, 'type'], 'an AAAA record follows the IPv6 address: set spec.enableIpv6: true');
    });
    const rebuild = s.rebuild;
    if (!rebuild) continue;
    if (rebuild.snapshot && rawAt(ctx, server, ['spec', 'rebuild', 'snapshot']) !== undefined) requireRef(ctx, server, ['spec', 'rebuild', 'snapshot'], 'Snapshot', rebuild.snapshot);
    if (pool && rawAt(ctx, server, ['spec', 'rebuild', 'regions']) !== undefined) {
      rebuild.regions.forEach((r, i) => {
        if (!pool.spec.regions.includes(r)) report(ctx, server, ['spec', 'rebuild', 'regions', i], `"${r}" is not in RegionPool "${pool.metadata.name}" (${pool.spec.regions.join(', ')})`);
      });
    }
    if (rebuild.rotateRegions && rebuild.regions.length < 2) {
      report(ctx, server, ['spec', 'rebuild', 'rotateRegions'], 'rotateRegions is on but there is only one region to rotate through', 'warning');
    }
  }
  for (const snap of ctx.manifests.snapshots.values()) requireRef(ctx, snap, ['spec', 'fromServer'], 'Server', snap.spec.fromServer);
  checkImageCycles(ctx);
}

/**
 * Server → Snapshot (its image) → Server (the snapshot's source) must not loop: such a server could
 * never be created. A server *rebuilt* from a snapshot of itself is fine (it already exists), so
 * only `image` edges count.
 */
function checkImageCycles(ctx: RuleContext): void {
  const { servers, snapshots } = ctx.manifests;
  const next = (server: ServerDoc): ServerDoc | undefined => {
    if (!('snapshot' in server.spec.image)) return undefined;
    const snap = snapshots.get(server.spec.image.snapshot);
    return snap ? servers.get(snap.spec.fromServer) : undefined;
  };
  const done = new Set<ServerDoc>();
  for (const start of servers.values()) {
    const chain: ServerDoc[] = [];
    let cur: ServerDoc | undefined = start;
    while (cur && !done.has(cur) && !chain.includes(cur)) {
      chain.push(cur);
      cur = next(cur);
    }
    if (cur && chain.includes(cur)) {
      const loop = chain.slice(chain.indexOf(cur));
      const steps = loop.map((s) => `${resourceName(s)} → Snapshot/${'snapshot' in s.spec.image ? s.spec.image.snapshot : '?'}`);
      const why = loop.length === 1 ? ' (a server cannot be installed from a snapshot of itself; take the golden snapshot from a separate builder server)' : '';
      report(ctx, cur, ['spec', 'image', 'snapshot'], `dependency cycle: ${steps.join(' → ')} → ${resourceName(cur)}${why}`);
    }
    chain.forEach((s) => done.add(s));
  }
}

export function checkDeployments(ctx: RuleContext): void {
  for (const dep of ctx.manifests.deployments.values()) {
    const t = dep.spec.targets;
    if ('servers' in t) t.servers.forEach((n, i) => requireRef(ctx, dep, ['spec', 'targets', 'servers', i], 'Server', n));
    if ('selector' in t && !ctx.anyServerMatches(t.selector)) {
      report(ctx, dep, ['spec', 'targets', 'selector'], 'the selector matches no Server; the deployment has nowhere to run', 'warning');
    }
    if ('hosts' in t) distinct(ctx, dep, t.hosts.map((h) => h.name), (i) => ['spec', 'targets', 'hosts', i, 'name'], 'host name');
    dep.spec.notify.forEach((n, i) => requireRef(ctx, dep, ['spec', 'notify', i], 'Notifier', n));
    if ('git' in dep.spec.source) {
      const slots = dep.spec.source.git.slots;
      distinct(ctx, dep, slots.map((s) => s.name), (i) => ['spec', 'git', 'slots', i, 'name'], 'slot name');
      distinct(ctx, dep, slots.map((s) => String(s.port)), (i) => ['spec', 'git', 'slots', i, 'port'], 'slot port');
    } else {
      const { from, to } = dep.spec.source.container.portRange;
      if (from > to) report(ctx, dep, ['spec', 'container', 'portRange'], `portRange.from (${from}) is above portRange.to (${to})`);
    }
  }
}

function distinct(ctx: RuleContext, doc: DeploymentDoc, values: string[], at: (i: number) => (string | number)[], what: string): void {
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i) report(ctx, doc, at(i), `${what} "${v}" is used twice; each must be distinct`);
  });
}
