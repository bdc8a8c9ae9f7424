/**
 * The destroy workflow (a customer cancels): (1) DNS records that follow the server, (2) destroy hooks,
 * each recorded on the instance once it ran, (3) the snapshots keelson made for the server,
 * (4) the instances, the one carrying the hook marks last. Every step is idempotent and the order is
 * chosen so that a rerun after a crash at any point finishes the job and never runs a hook twice
 * (hooks are at least once only across a crash inside the hook itself).
 */
import type { LiveRecord, LiveServer, LiveSnapshot } from '../model/live.ts';
import { isOwnedBy, parseServerTags, parseSnapshotDescription } from '../model/ownership.ts';
import { lastAddressGuards } from '../plan/last-address.ts';
import { lastAddressRefusal } from '../plan/safety.ts';
import { snapshotsInUse } from '../plan/snapshots.ts';
import type { ServerDoc } from '../model/types.ts';
import { WorkflowError } from '../errors.ts';
import type { Providers } from '../providers/types.ts';
import { checkAborted, type Clock } from './clock.ts';
import { readZones, recordsFollowing } from './dns-follow.ts';
import { serverFamily } from '../model/server-family.ts';
import { defaultHookRunner, type HookRunner } from './hooks.ts';
import { hooksDone, withHookDone } from '../model/workflow-marks.ts';
import type { Manifests } from '../model/types.ts';

export type DestroyStep = 'dns' | 'hooks' | 'snapshots' | 'instances';

export interface DestroyContext {
  providers: Providers;
  owner: string;
  manifests: Manifests;
  clock: Clock;
  /** Repository root, for SSH hooks' known-hosts and key files. */
  root: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  runHook?: HookRunner;
  /** Delete the last A/AAAA record of a name the manifests still declare (`--force`); never overrides `protect`. */
  force?: boolean;
  onStep?: (e: { server: string; step: DestroyStep; state: 'start' | 'done'; elapsedMs?: number; detail?: string }) => void;
  /** Fencing: awaited before each step; throws when this run lost the repository lock. */
  fence?: () => Promise<void>;
}

export interface DestroyResult {
  server: string;
  recordsDeleted: number;
  hooksRun: string[];
  hooksSkipped: string[];
  snapshotsDeleted: number;
  instancesDeleted: string[];
}

/**
 * Destroys a logical server and everything keelson made for it. Refuses, before writing anything, a
 * protected server (manifest `protect` or the live protect tag) or a snapshot it would delete whose
 * marker says protected — never overridable — and, unless `ctx.force`, deleting the last A/AAAA
 * record of a name the manifests still declare (other than through this server's own `dns` entries),
 * by the plan's last-address rule. `doc` may come from an earlier revision of the manifests when the
 * Server was removed from them (its hooks and DNS names are read from it). Safe to repeat.
 */
export async function destroyServer(ctx: DestroyContext, doc: ServerDoc): Promise<DestroyResult> {
  const name = doc.metadata.name;
  const resource = `Server/${name}`;
  const { compute, dns } = ctx.providers;
  const result: DestroyResult = { server: name, recordsDeleted: 0, hooksRun: [], hooksSkipped: [], snapshotsDeleted: 0, instancesDeleted: [] };
  const step = async (s: DestroyStep, fn: () => Promise<string>): Promise<void> => {
    checkAborted(ctx.signal);
    await ctx.fence?.();
    const start = ctx.clock.now();
    ctx.onStep?.({ server: name, step: s, state: 'start' });
    const detail = await fn();
    ctx.onStep?.({ server: name, step: s, state: 'done', elapsedMs: ctx.clock.now() - start, detail });
  };

  const family = serverFamily(await compute.listServers(), ctx.owner, name);
  const instances = [family.current, family.successor, ...family.extra].filter((s): s is LiveServer => s !== undefined);
  if (doc.spec.protect || instances.some((s) => parseServerTags(s.tags).marks?.protect)) {
    throw new WorkflowError(resource, 'destroy', 'the server is protected (protect: true); remove the protection first');
  }
  const inUse = snapshotsInUse(ctx.manifests, name);
  const snapshotsOf = (all: LiveSnapshot[]): LiveSnapshot[] => all.filter((s) => isOwnedBy(s.ownership, ctx.owner) && s.ownership.name === name && !inUse.has(name));
  const guardedSnapshots = snapshotsOf(await compute.listSnapshots()).filter((s) => parseSnapshotDescription(s.description).protect);
  if (guardedSnapshots.length) {
    throw new WorkflowError(resource, 'destroy', `snapshot(s) ${guardedSnapshots.map((s) => s.id).join(', ')} of the server are protected (!protect in their marker); remove the protection first`);
  }

  // Owned address records pointing at the server, by content: the marker names the DNSZone, not the server.
  const ips = new Set(instances.flatMap((s) => [s.ipv4, s.ipv6].filter((x): x is string => x !== undefined)));
  const zones = (await readZones(dns, new Set([...recordsFollowing(ctx.manifests, doc).zones, ...zoneNamesOf(doc, ctx.manifests)])))
    .map(({ zone, records }) => ({ zone, records, doomed: records.filter((r) => isOwnedBy(r.ownership, ctx.owner) && (r.type === 'A' || r.type === 'AAAA') && ips.has(r.content)) }));
  const refusals = lastAddressRefusals(zones.flatMap((z) => z.records), zones.flatMap((z) => z.doomed), ctx.manifests, name);
  if (refusals.length && !ctx.force) {
    throw new WorkflowError(resource, 'destroy', `${refusals.join('; ')} (override: --force)`);
  }

  await step('dns', async () => {
    for (const { zone, doomed } of zones) {
      if (doomed.length === 0) continue;
      await dns.applyRecordChanges(zone, { deletes: doomed.map((r) => r.id), updates: [], creates: [] });
      result.recordsDeleted += doomed.length;
    }
    return `${result.recordsDeleted} record(s)`;
  });

  // The hook marks live on the instance deleted last; with no instance left, the destroy already finished.
  await step('hooks', async () => {
    if (!family.current) return 'no instance left';
    const r = await runDestroyHooks(ctx, doc, family.current);
    result.hooksRun.push(...r.run);
    result.hooksSkipped.push(...r.skipped);
    return `${r.run.length} run, ${r.skipped.length} already done`;
  });

  await step('snapshots', async () => {
    const mine = snapshotsOf(await compute.listSnapshots());
    for (const s of mine) await compute.deleteSnapshot(s.id);
    result.snapshotsDeleted = mine.length;
    return `${mine.length} snapshot(s)`;
  });

  await step('instances', async () => {
    const order = instances.filter((s) => s !== family.current);
    if (family.current) order.push(family.current);
    for (const s of order) {
      checkAborted(ctx.signal);
      await compute.deleteServer(s.id);
      result.instancesDeleted.push(s.id);
    }
    return order.map((s) => s.id).join(', ') || 'none left';
  });
  return result;
}

/**
 * The plan's last-address rule applied to the records a destroy deletes: names left without any
 * A/AAAA record that the manifests still declare, besides through the destroyed server's own `dns`
 * entries (those leave with it). Names whose record sets were removed from the manifests may go.
 */
function lastAddressRefusals(live: LiveRecord[], doomed: LiveRecord[], manifests: Manifests, server: string): string[] {
  const guards = lastAddressGuards(live, doomed, [], manifests, (r) => r.declaredBy.kind === 'Server' && r.declaredBy.name === server);
  return [...guards.values()].filter((g) => g.intent === 'emptied').map((g) => {
    const records = doomed.filter((r) => r.fqdn === g.fqdn).map((r) => `${r.fqdn} ${r.type} ${r.content}`);
    return lastAddressRefusal(g, records, true).message;
  });
}

/** The zones the server's own `dns` entries name (by DNSZone metadata.name → zone). */
function zoneNamesOf(doc: ServerDoc, manifests: Manifests): string[] {
  return doc.spec.dns.flatMap((d) => {
    const z = manifests.dnsZones.get(d.zone);
    return z ? [z.spec.zone] : [];
  });
}

/**
 * Runs the server's destroy hooks in order, skipping those already marked on `anchor` (the instance
 * deleted last), and marks each on it as soon as it succeeded. A failing hook throws a WorkflowError
 * naming it; the hooks before it stay marked. Safe to repeat.
 */
export async function runDestroyHooks(ctx: DestroyContext, doc: ServerDoc, anchor: LiveServer): Promise<{ run: string[]; skipped: string[] }> {
  const out = { run: [] as string[], skipped: [] as string[] };
  const runHook = ctx.runHook ?? defaultHookRunner(ctx.root, ctx.env);
  let marked = anchor;
  for (const hook of doc.spec.destroyHooks) {
    checkAborted(ctx.signal);
    if (hooksDone(marked.tags).has(hook.name)) {
      out.skipped.push(hook.name);
      continue;
    }
    try {
      await runHook(hook, { doc, instance: marked, at: new Date(ctx.clock.now()).toISOString() });
    } catch (err) {
      throw new WorkflowError(`Server/${doc.metadata.name}`, 'destroy', `hook ${hook.name}: ${err instanceof Error ? err.message : String(err)}`, { step: 'hooks' });
    }
    marked = await ctx.providers.compute.updateServer(marked.id, { tags: withHookDone(marked.tags, hook.name) });
    out.run.push(hook.name);
  }
  return out;
}
