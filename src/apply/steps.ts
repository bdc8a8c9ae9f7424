/**
 * What each kind of change does at the provider. Names the plan could not resolve to ids (a snapshot
 * made in the same run, a key added since) are resolved here, at apply time. Every step is safe to
 * repeat: creates are found again by their operation marker, deletes of what is gone succeed.
 */
import type { LiveServer, LiveSnapshot } from '../model/live.ts';
import { parseSnapshotDescription } from '../model/ownership.ts';
import type { Change, DesiredRecord, ServerCreateRequest, SnapshotCreateRequest } from '../plan/types.ts';
import { writeOnce } from '../providers/retry.ts';
import type { RecordInput, ServerCreateInput } from '../providers/types.ts';
import { isKeyChange, keyIdAtApply, runKeyChange } from './key-steps.ts';
import { createInputOf, ResolveError } from './create-input.ts';
import type { ApplyClock, ApplyOptions } from './types.ts';
import { DeadlineError, isInstalled, waitForSnapshot } from './wait.ts';
import { WaitTimeoutError, type ServerWatcher } from '../workflows/watch.ts';

/** What earlier changes of this run produced, for the ones after them. */
export interface RunState {
  servers: Map<string, LiveServer>;
  snapshots: Map<string, LiveSnapshot>;
}

export interface StepContext {
  opts: ApplyOptions;
  run: RunState;
  clock: ApplyClock;
  /** Shared by every install this run waits for (one listing per poll interval). */
  watcher: ServerWatcher;
  /** A listing of every server taken now, shared by the creates that ask while it is in flight. */
  lookup: () => Promise<LiveServer[]>;
  installTimeoutMs: number;
  pollIntervalMs: number;
  onInstalling: (serverId: string, elapsedMs: number) => void;
}

/** Runs one server or snapshot change. Record changes go through the zone batches instead. */
export async function runResourceChange(change: Change, ctx: StepContext): Promise<void> {
  const p = change.payload;
  const compute = ctx.opts.providers.compute;
  if (isKeyChange(p)) return runKeyChange(change, p, ctx);
  switch (p.op) {
    case 'server.create':
    case 'server.replace':
      ctx.run.servers.set(p.request.name, await createAndInstall(p.request, ctx));
      return;
    case 'server.update':
      await compute.updateServer(p.serverId, p.patch);
      return;
    case 'server.delete':
      await compute.deleteServer(p.server.id);
      return;
    case 'snapshot.create':
      ctx.run.snapshots.set(p.request.name, await createSnapshot(p.request, ctx));
      return;
    case 'snapshot.update':
      await compute.updateSnapshot(p.snapshotId, p.description);
      return;
    case 'snapshot.delete':
      await compute.deleteSnapshot(p.snapshot.id);
      return;
    default:
      throw new Error(`${change.id}: record changes run as zone batches`);
  }
}

async function createAndInstall(req: ServerCreateRequest, ctx: StepContext): Promise<LiveServer> {
  const input = await toCreateInput(req, ctx);
  const compute = ctx.opts.providers.compute;
  // One fresh listing serves the look-first of every create launched together (not one call each).
  const found = (await ctx.lookup()).find((s) => s.tags.includes(input.opTag));
  const created = found ?? (await compute.createServer(input, { lookedFirst: true }));
  return awaitInstalled(ctx, created.id, req.name);
}

/**
 * Waits, through the run's shared watcher, until server `id` is installed (a 404 or a missing
 * listing right after the create is waited out); fails with `DeadlineError` past the install timeout.
 */
export async function awaitInstalled(ctx: StepContext, id: string, name: string): Promise<LiveServer> {
  const start = ctx.clock.now();
  try {
    const s = await ctx.watcher.waitFor(id, (x) => x !== undefined && isInstalled(x), start + ctx.installTimeoutMs, undefined, () => ctx.onInstalling(id, ctx.clock.now() - start));
    return s!;
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const s = err.last;
    const state = s ? `status ${s.status}, power ${s.power}, server_status ${s.install}, ip ${s.ipv4 ?? 'none'}` : 'not found';
    throw new DeadlineError(`[Server/${name}] not installed after ${Math.round((ctx.clock.now() - start) / 1000)} s (${state})`);
  }
}

async function toCreateInput(req: ServerCreateRequest, ctx: StepContext): Promise<ServerCreateInput> {
  const snapshotId = 'snapshot' in req.image
    ? await resolveSnapshot(req.name, req.image.snapshot, req.image.snapshotId, req.image.waitForComplete, ctx)
    : undefined;
  // Keys and scripts this run created are not in the catalog apply started from: take their ids from the run.
  const owner = req.ownership.owner;
  const withRunIds: ServerCreateRequest = {
    ...req,
    sshKeys: req.sshKeys.map((k) => ({ ...k, ...(k.id ? {} : { id: keyIdAtApply('sshKeys', k, owner, ctx) }) })),
    ...(req.startupScript && { startupScript: { ...req.startupScript, ...(req.startupScript.id ? {} : { id: keyIdAtApply('startupScripts', req.startupScript, owner, ctx) }) } }),
  };
  return createInputOf(withRunIds, ctx.opts.catalog, snapshotId);
}

/** A snapshot id for a create: known at plan time, made earlier in this run, or found by its marker. */
async function resolveSnapshot(server: string, name: string, knownId: string | undefined, wait: boolean, ctx: StepContext): Promise<string> {
  const owner = (s: LiveSnapshot) => s.ownership?.name === name;
  const find = (all: LiveSnapshot[]) => all.find((s) => (knownId ? s.id === knownId : owner(s)));
  const made = ctx.run.snapshots.get(name);
  if (!wait) {
    const id = knownId ?? made?.id ?? ctx.opts.snapshots?.find(owner)?.id;
    if (!id) throw new ResolveError(`[Server/${server}] snapshot "${name}" not found`);
    return id;
  }
  // Creating from a snapshot that is not complete is a provider error: wait it out instead.
  const snap = await waitForSnapshot(ctx.opts.providers.compute, name, find, { clock: ctx.clock, timeoutMs: ctx.installTimeoutMs, intervalMs: ctx.pollIntervalMs });
  return snap.id;
}

/** Snapshots have no tags: the operation id rides in the description marker, and is looked for first. */
async function createSnapshot(req: SnapshotCreateRequest, ctx: StepContext): Promise<LiveSnapshot> {
  const compute = ctx.opts.providers.compute;
  const instanceId = req.instanceId ?? ctx.run.servers.get(req.fromServer)?.id;
  if (!instanceId) throw new ResolveError(`[Snapshot/${req.name}] source server "${req.fromServer}" has no id`);
  return writeOnce({
    attempts: 5,
    lookFirst: true,
    look: async () => (await compute.listSnapshots()).find((s) => parseSnapshotDescription(s.description).ownership?.op === req.op),
    act: () => compute.createSnapshot(instanceId, req.description),
  });
}

/** A desired record with its content resolved (addresses of servers created in this run). */
export function toRecordInput(rec: DesiredRecord, run: RunState, live: Map<string, LiveServer>): RecordInput {
  let content: string;
  if (typeof rec.content === 'string') content = rec.content;
  else {
    const ref = rec.content;
    const server = run.servers.get(ref.server) ?? live.get(ref.server);
    const addr = ref.family === 4 ? server?.ipv4 : server?.ipv6;
    if (!addr) throw new ResolveError(`[DNSRecord/${rec.fqdn}] server "${ref.server}" has no IPv${ref.family} address`);
    content = addr;
  }
  const input: RecordInput = { fqdn: rec.fqdn, type: rec.type, content, ttl: rec.ttl, proxied: rec.proxied, comment: rec.comment };
  if (rec.priority !== undefined) input.priority = rec.priority;
  if (rec.tags.length) input.tags = [...rec.tags];
  return input;
}
