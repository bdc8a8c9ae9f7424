/**
 * The destroy workflow (a customer cancels): (1) DNS records that follow the server, (2) destroy hooks,
 * each recorded on the instance once it ran, (3) the snapshots keelson made for the server,
 * (4) the instances, the one carrying the hook marks last. Every step is idempotent and the order is
 * chosen so that a rerun after a crash at any point finishes the job and never runs a hook twice
 * (hooks are at least once only across a crash inside the hook itself).
 */
import type { LiveServer } from '../model/live.ts';
import { isOwnedBy, parseServerTags } from '../model/ownership.ts';
import type { ServerDoc } from '../model/types.ts';
import { WorkflowError } from '../errors.ts';
import type { Providers } from '../providers/types.ts';
import { checkAborted, type Clock } from './clock.ts';
import { readZones, recordsFollowing } from './dns-follow.ts';
import { serverFamily } from './family.ts';
import { defaultHookRunner, type HookRunner } from './hooks.ts';
import { hooksDone, withHookDone } from './marks.ts';
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
  onStep?: (e: { server: string; step: DestroyStep; state: 'start' | 'done'; elapsedMs?: number; detail?: string }) => void;
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
 * Destroys a logical server and everything keelson made for it. Refuses a protected server (manifest
 * `protect` or the live protect tag). `doc` may come from an earlier revision of the manifests when the
 * Server was removed from them (its hooks and DNS names are read from it). Safe to repeat.
 */
export async function destroyServer(ctx: DestroyContext, doc: ServerDoc): Promise<DestroyResult> {
  const name = doc.metadata.name;
  const resource = `Server/${name}`;
  const { compute, dns } = ctx.providers;
  const result: DestroyResult = { server: name, recordsDeleted: 0, hooksRun: [], hooksSkipped: [], snapshotsDeleted: 0, instancesDeleted: [] };
  const step = async (s: DestroyStep, fn: () => Promise<string>): Promise<void> => {
    checkAborted(ctx.signal);
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

  await step('dns', async () => {
    const ips = new Set(instances.flatMap((s) => [s.ipv4, s.ipv6].filter((x): x is string => x !== undefined)));
    const zones = await readZones(dns, new Set([...recordsFollowing(ctx.manifests, doc).zones, ...zoneNamesOf(doc, ctx.manifests)]));
    for (const { zone, records } of zones) {
      // Owned address records pointing at the server, by content: the marker names the DNSZone, not the server.
      const doomed = records.filter((r) => isOwnedBy(r.ownership, ctx.owner) && (r.type === 'A' || r.type === 'AAAA') && ips.has(r.content));
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
    const inUse = imagesInUse(ctx.manifests, name);
    const mine = (await compute.listSnapshots()).filter((s) => isOwnedBy(s.ownership, ctx.owner) && s.ownership.name === name && !inUse.has(name));
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

/** The zones the server's own `dns` entries name (by DNSZone metadata.name → zone). */
function zoneNamesOf(doc: ServerDoc, manifests: Manifests): string[] {
  return doc.spec.dns.flatMap((d) => {
    const z = manifests.dnsZones.get(d.zone);
    return z ? [z.spec.zone] : [];
  });
}

/** Snapshot names other servers still build from: never deleted with this one. */
function imagesInUse(manifests: Manifests, except: string): Set<string> {
  const out = new Set<string>();
  for (const s of manifests.servers.values()) {
    if (s.metadata.name === except) continue;
    if ('snapshot' in s.spec.image) out.add(s.spec.image.snapshot);
    if (s.spec.rebuild?.snapshot) out.add(s.spec.rebuild.snapshot);
  }
  return out;
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
