/**
 * The rebuild workflow: (a) source snapshot → (b) create the successor → (c) wait until installed and
 * healthy → (d) move DNS in one batch per zone → (e) drain → (f) carry bandwidth over → (g) destroy
 * the old server. Every step is derived from the live state (ownership and workflow tags, record
 * contents, the old server's existence), so a rerun after a crash at any point finishes the same
 * rebuild. A failure before (d) destroys the successor and leaves the old server serving; a failure
 * after (d) leaves DNS on the new, healthy server for a rerun to finish.
 */
import type { LiveServer } from '../model/live.ts';
import { serverCreateRequest } from '../plan/server-request.ts';
import { createInputOf } from '../apply/create-input.ts';
import type { Manifests, ServerDoc } from '../model/types.ts';
import { ProviderError, UnsafePlanError, WorkflowError } from '../errors.ts';
import { parseServerTags } from '../model/ownership.ts';
import type { Providers, ServerCreateInput } from '../providers/types.ts';
import { checkAborted, sleepUnlessAborted, type Clock } from './clock.ts';
import { flipRecords, longestTtlMs, pointingAt, readZones, recordsFollowing } from './dns-follow.ts';
import { serverFamily } from '../model/server-family.ts';
import { isInstalled } from '../apply/wait.ts';
import { monthBytes } from './bandwidth.ts';
import { directProbe, type HealthProbe } from './health.ts';
import { carriedBytes, flippedAt, monthOf, rebuildOpId, withCarried, withFlipped } from '../model/workflow-marks.ts';
import { sourceImage, type RebuildImage } from './snapshot-source.ts';
import { targetRegion } from './target-region.ts';
import { createServerWatcher, WaitTimeoutError, type ServerWatcher } from './watch.ts';

export type RebuildStep = 'snapshot' | 'create' | 'install' | 'health' | 'dns' | 'drain' | 'bandwidth' | 'destroy-old';

/** Progress: each step as it starts, and as it ends with its elapsed time (clock time). */
export interface StepEvent {
  server: string;
  step: RebuildStep;
  state: 'start' | 'done' | 'skipped';
  elapsedMs?: number;
  detail?: string;
}

export interface WorkflowContext {
  providers: Providers;
  owner: string;
  manifests: Manifests;
  clock: Clock;
  /** Aborting stops the workflow where it is, without cleanup, exactly like a crash would. */
  signal?: AbortSignal;
  onStep?: (e: StepEvent) => void;
  probe?: HealthProbe;
  /** How often installs, snapshots and health are polled, in clock ms (default 10 s). */
  pollInterval?: number;
  /** Shared by concurrent rebuilds so that install polling is one list call per interval. */
  watcher?: ServerWatcher;
  /** Fencing: awaited before each step; throws when this run lost the repository lock. */
  fence?: () => Promise<void>;
}

export interface RebuildOptions {
  /** Build in this region (ignored when resuming: the successor's region stands). */
  region?: string;
  /** Build from this Snapshot instead of the policy's. */
  snapshot?: string;
  /** Only finish a rebuild already in progress; never start one. */
  resumeOnly?: boolean;
  /** Start a rebuild of a protected server (`protect: true` or the live protect tag): replacing it is refused otherwise. */
  force?: boolean;
}

export interface RebuildResult {
  server: string;
  op: string;
  /** What happened: started and finished, finished one a crash left, or nothing to do (resumeOnly). */
  outcome: 'rebuilt' | 'resumed' | 'none';
  oldId?: string;
  newId?: string;
  region?: string;
  ipv4?: string;
  carriedBytes?: number;
  steps: { step: RebuildStep; elapsedMs: number; detail?: string }[];
}

const DEFAULT_POLL_MS = 10_000;

/**
 * Rebuilds (or finishes rebuilding) one server; refuses (`UnsafePlanError`, nothing changed) to start
 * on a protected server unless `opts.force`. Changes, in order: a snapshot (fresh policy only), a
 * new instance, DNS records, tags on the new instance, the old instance (deleted last). Safe to
 * repeat at any point: a rerun finds the successor by its tags and continues where the live state says.
 */
export async function rebuildServer(ctx: WorkflowContext, name: string, opts: RebuildOptions = {}): Promise<RebuildResult> {
  const doc = ctx.manifests.servers.get(name);
  if (!doc) throw new WorkflowError(`Server/${name}`, 'rebuild', 'no such Server in the manifests');
  const resource = `Server/${name}`;
  const { compute, dns } = ctx.providers;
  const poll = ctx.pollInterval ?? DEFAULT_POLL_MS;
  const watcher = ctx.watcher ?? createServerWatcher(compute, ctx.clock, poll);
  const steps: RebuildResult['steps'] = [];

  async function step<T>(s: RebuildStep, fn: () => Promise<{ value: T; detail?: string }>): Promise<T> {
    checkAborted(ctx.signal);
    await ctx.fence?.();
    const start = ctx.clock.now();
    ctx.onStep?.({ server: name, step: s, state: 'start' });
    const { value, detail } = await fn();
    const elapsedMs = ctx.clock.now() - start;
    steps.push({ step: s, elapsedMs, ...(detail ? { detail } : {}) });
    ctx.onStep?.({ server: name, step: s, state: 'done', elapsedMs, ...(detail ? { detail } : {}) });
    return value;
  }
  const skip = (s: RebuildStep, detail: string): void => ctx.onStep?.({ server: name, step: s, state: 'skipped', detail });

  const family = serverFamily(await compute.listServers(), ctx.owner, name);
  if (!family.current) throw new WorkflowError(resource, 'rebuild', 'no live instance to rebuild (apply creates it)');
  const old = family.current;
  let next = family.successor;
  if (!next && opts.resumeOnly) return { server: name, op: '', outcome: 'none', steps };
  const resumed = next !== undefined;
  // A rebuild replaces the server, which `protect` forbids; one already in progress (started with
  // --force) is finished, since stopping half-way helps nobody.
  if (!resumed && !opts.force && (doc.spec.protect || parseServerTags(old.tags).marks?.protect)) {
    throw new UnsafePlanError([`[${resource}] rebuild refused: the server is protected (protect: true) and a rebuild replaces it; pass --force to rebuild it anyway`]);
  }
  const op = next?.ownership?.op ?? rebuildOpId(ctx.owner, name, old.id);
  const region = next?.region ?? targetRegion(doc.spec, old.region, opts.region);
  const installDeadline = (s: LiveServer): number => Date.parse(s.createdAt) + (doc.spec.rebuild?.installTimeout ?? 3_600_000);
  const following = recordsFollowing(ctx.manifests, doc);

  if (!next) {
    const image = await step('snapshot', async () => {
      const img = await sourceImage({ compute, owner: ctx.owner, clock: ctx.clock, pollInterval: poll, timeoutMs: doc.spec.rebuild?.installTimeout ?? 3_600_000, signal: ctx.signal }, doc, old, op, opts.snapshot);
      return { value: img, detail: 'snapshotId' in img ? `${img.snapshot} (${img.snapshotId})` : `os ${img.osId}` };
    });
    next = await step('create', async () => {
      const created = await createSuccessor(ctx, doc, old, op, region, image, poll);
      return { value: created, detail: `${created.id} in ${region}` };
    });
  }
  const successor: LiveServer = next;

  // DNS already on the successor (a crash after the flip): it is serving, so it is never rolled back.
  let flipped = flippedAt(successor.tags) !== undefined;
  let zones = flipped ? [] : await readZones(dns, following.zones);
  if (!flipped && successor.ipv4 && zones.some((z) => pointingAt(z.records, ctx.owner, successor).length > 0)) flipped = true;

  let installed = successor;
  if (!flipped) {
    try {
      installed = await step('install', async () => {
        const s = await watcher.waitFor(successor.id, (x) => x !== undefined && isInstalled(x), installDeadline(successor), ctx.signal);
        return { value: s!, detail: `${s!.ipv4}` };
      });
      if (doc.spec.healthCheck) {
        await step('health', async () => ({ value: await waitHealthy(ctx, doc, installed, installDeadline(successor)), detail: `${doc.spec.healthCheck!.type} :${doc.spec.healthCheck!.port}` }));
      } else skip('health', 'no health check');
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      await compute.deleteServer(successor.id);
      const why = err instanceof WaitTimeoutError ? `not installed within the install timeout (last: ${describe(err.last)})` : err instanceof Error ? err.message : String(err);
      throw new WorkflowError(resource, 'rebuild', `${why}; the new server ${successor.id} was destroyed, ${old.id} still serves`, {
        step: err instanceof WaitTimeoutError ? 'install' : 'health', cleanedUp: true,
      });
    }
  } else {
    installed = successor;
    skip('install', 'already serving');
  }

  const flipTime = await step('dns', async () => {
    if (zones.length === 0 && following.zones.size > 0) zones = await readZones(dns, following.zones);
    const moved = await flipRecords(dns, ctx.owner, zones, old, installed);
    const at = flippedAt(installed.tags) ?? ctx.clock.now();
    if (flippedAt(installed.tags) === undefined) installed = await compute.updateServer(installed.id, { tags: withFlipped(installed.tags, at) });
    return { value: at, detail: `${moved} record(s) moved to ${installed.ipv4}` };
  });

  const drainMs = doc.spec.rebuild?.drain ?? longestTtlMs(following.records);
  await step('drain', async () => {
    const wait = flipTime + drainMs - ctx.clock.now();
    if (wait > 0) await sleepUnlessAborted(ctx.clock, wait, ctx.signal);
    return { value: undefined, detail: `${Math.round(drainMs / 1000)}s` };
  });

  const carried = await step('bandwidth', async () => {
    const month = monthOf(ctx.clock.now());
    const own = monthBytes(await compute.bandwidth(old.id), month);
    // Absolute, not incremental: a rerun rewrites the same total instead of adding it twice.
    const total = own + carriedBytes(old.tags, month);
    // `installed` carries the tags as last written (the flip's update, or the listing on a rerun).
    if (carriedBytes(installed.tags, month) !== total) {
      installed = await compute.updateServer(installed.id, { tags: withCarried(installed.tags, month, total) });
    }
    return { value: total, detail: `${total} bytes for ${month}` };
  });

  await step('destroy-old', async () => {
    await compute.deleteServer(old.id);
    return { value: undefined, detail: old.id };
  });

  return {
    server: name, op, outcome: resumed ? 'resumed' : 'rebuilt', oldId: old.id, newId: installed.id, region, ipv4: installed.ipv4, carriedBytes: carried, steps,
  };
}

function describe(s: LiveServer | undefined): string {
  return s ? `${s.status}/${s.power}/${s.install}${s.ipv4 ? ` ${s.ipv4}` : ''}` : 'not listed';
}

/**
 * The successor's create input: the same builder as apply's creates (keys, script, user data, tags,
 * `keelson:spec`), marked with the rebuild's operation and the old server's id. A key or script the
 * account lacks fails the rebuild before anything is created, as it fails an apply.
 */
export async function successorInput(ctx: WorkflowContext, doc: ServerDoc, old: LiveServer, op: string, region: string, image: RebuildImage): Promise<ServerCreateInput> {
  const needsCatalog = doc.spec.sshKeys.length > 0 || doc.spec.startupScript !== undefined;
  const catalog = needsCatalog ? await ctx.providers.compute.catalog([]) : { os: [], sshKeys: [], startupScripts: [] };
  const request = serverCreateRequest(doc, {
    owner: ctx.owner, catalog, region, op, successorOf: old.id,
    managed: { sshKeys: new Set(ctx.manifests.sshKeys.keys()), startupScripts: new Set(ctx.manifests.startupScripts.keys()) },
    image: 'snapshotId' in image ? { snapshot: image.snapshot, snapshotId: image.snapshotId, waitForComplete: false } : { os: old.osName, osId: image.osId },
  });
  try {
    return createInputOf(request, catalog);
  } catch (err) {
    throw new WorkflowError(`Server/${doc.metadata.name}`, 'rebuild', err instanceof Error ? err.message : String(err), { step: 'create' });
  }
}

/** Creates the successor; waits out a pending snapshot. */
async function createSuccessor(ctx: WorkflowContext, doc: ServerDoc, old: LiveServer, op: string, region: string, image: RebuildImage, poll: number): Promise<LiveServer> {
  const input = await successorInput(ctx, doc, old, op, region, image);
  for (;;) {
    checkAborted(ctx.signal);
    try {
      return await ctx.providers.compute.createServer(input);
    } catch (err) {
      // The provider's "snapshot not complete" is a wait, never a failure of the rebuild.
      if (!(err instanceof ProviderError) || err.reason !== 'not-ready') throw err;
      await sleepUnlessAborted(ctx.clock, poll, ctx.signal);
    }
  }
}

/** Polls the health check until it passes `healthyThreshold` times in a row, or the deadline. */
async function waitHealthy(ctx: WorkflowContext, doc: ServerDoc, s: LiveServer, deadline: number): Promise<void> {
  const check = doc.spec.healthCheck!;
  const probe = ctx.probe ?? directProbe;
  let passes = 0;
  let last = 'not checked';
  for (;;) {
    checkAborted(ctx.signal);
    const o = await probe(s.ipv4!, check, check.timeout);
    if (o.ok) passes++;
    else {
      passes = 0;
      last = o.why;
    }
    if (passes >= check.healthyThreshold) return;
    if (ctx.clock.now() + check.interval > deadline) throw new Error(`health check never passed before the install timeout (last: ${last})`);
    await sleepUnlessAborted(ctx.clock, check.interval, ctx.signal);
  }
}
