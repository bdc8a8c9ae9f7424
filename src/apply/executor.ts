/**
 * The apply stage: runs a plan's changes in dependency order, in parallel where independent, and
 * returns a result for every change. Server and snapshot changes run one call-chain each (a create
 * includes waiting for the install); record changes that are ready together go out per zone as batch
 * calls. A failed change fails alone: what depends on it is skipped, everything else still runs.
 *
 * Safe to repeat after a crash: nothing here keeps state between runs. A rerun observes again, the
 * planner adopts servers an interrupted run created (they carry owner and name tags), and creates
 * still pending find their earlier attempt by operation marker.
 */
import type { LiveServer } from '../model/live.ts';
import { scrub } from '../secrets.ts';
import type { Change, Plan } from '../plan/types.ts';
import type { RecordChangeSet } from '../providers/types.ts';
import { awaitInstalled, runResourceChange, toRecordInput, type RunState, type StepContext } from './steps.ts';
import { realClock, type ApplyOptions, type ApplyResult, type ChangeResult } from './types.ts';
import { isInstalled } from './wait.ts';
import { adaptivePace, createServerWatcher } from '../workflows/watch.ts';

const DEFAULTS = { parallelism: 4, installTimeoutMs: 40 * 60_000, pollIntervalMs: 5000 };
/** Install polls back off to at most this many times the shortest interval while installs are far from done. */
const POLL_BACKOFF = 6;

/** Server creates are limited by the rate budget only: their installs are awaited together, holding no slot. */
function unbounded(c: Change): boolean {
  return c.payload.op === 'server.create' || c.payload.op === 'server.replace';
}

function isRecord(c: Change): boolean {
  return c.kind === 'DNSRecord';
}

/** The server a record change's content refers to (resolved at apply time), if any. */
function referencedServer(c: Change): string | undefined {
  const p = c.payload;
  if (p.op !== 'record.create' && p.op !== 'record.update') return undefined;
  return typeof p.record.content === 'string' ? undefined : p.record.content.server;
}

function zoneOf(c: Change): string {
  const p = c.payload;
  return p.op === 'record.create' || p.op === 'record.update' || p.op === 'record.delete' ? p.zoneId : '';
}

export async function applyPlan(plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const clock = opts.clock ?? realClock;
  const emit = opts.onEvent ?? (() => {});
  const parallelism = Math.max(1, opts.parallelism ?? DEFAULTS.parallelism);
  const started = clock.now();
  const run: RunState = { servers: new Map(), snapshots: new Map() };
  const liveByName = new Map<string, LiveServer>();
  for (const s of opts.servers ?? []) if (s.ownership?.owner === plan.owner) liveByName.set(s.ownership.name, s);

  const byId = new Map(plan.changes.map((c) => [c.id, c]));
  const results = new Map<string, ChangeResult>();
  const pending = new Set(plan.changes.map((c) => c.id));
  const startTimes = new Map<string, number>();
  let running = 0;
  let busy = 0;
  let wake: (() => void) | undefined;

  const finish = (c: Change, error?: unknown) => {
    const elapsedMs = clock.now() - (startTimes.get(c.id) ?? clock.now());
    if (error === undefined) {
      results.set(c.id, { id: c.id, status: 'done', elapsedMs });
      emit({ type: 'done', change: c, elapsedMs });
    } else {
      const msg = scrub(error instanceof Error ? error.message : String(error));
      results.set(c.id, { id: c.id, status: 'failed', error: msg, elapsedMs });
      emit({ type: 'failed', change: c, error: msg, elapsedMs });
    }
  };

  const pollIntervalMs = opts.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
  // Every install of the run is awaited through one watcher: one listing per poll interval, however many servers.
  const watcher = createServerWatcher(opts.providers.compute, clock, adaptivePace(pollIntervalMs, pollIntervalMs * POLL_BACKOFF));
  let listing: Promise<LiveServer[]> | undefined;
  const lookup = (): Promise<LiveServer[]> => {
    listing ??= opts.providers.compute.listServers().finally(() => {
      listing = undefined;
    });
    return listing;
  };
  const ctxFor = (c: Change): StepContext => ({
    opts,
    run,
    clock,
    watcher,
    lookup,
    installTimeoutMs: opts.installTimeoutMs ?? DEFAULTS.installTimeoutMs,
    pollIntervalMs,
    onInstalling: (serverId, elapsedMs) => emit({ type: 'installing', change: c, serverId, elapsedMs }),
  });

  const launch = (label: Change[], work: () => Promise<void>, bounded = true) => {
    running += 1;
    if (bounded) busy += 1;
    for (const c of label) {
      pending.delete(c.id);
      startTimes.set(c.id, clock.now());
      emit({ type: 'start', change: c });
    }
    void work().finally(() => {
      running -= 1;
      if (bounded) busy -= 1;
      wake?.();
    });
  };

  // A server this run did not create but found still installing (a killed run created it): its
  // records wait for the install, as they would behind the create. One wait per server, shared.
  const installs = new Map<string, Promise<void>>();
  const awaitLiveInstall = (name: string, c: Change): Promise<void> => {
    const live = liveByName.get(name);
    if (run.servers.has(name) || !live || isInstalled(live)) return Promise.resolve();
    let wait = installs.get(name);
    if (!wait) {
      wait = awaitInstalled(ctxFor(c), live.id, name).then((installed) => void run.servers.set(name, installed));
      installs.set(name, wait);
    }
    return wait;
  };

  const runZoneBatch = (zoneId: string, changes: Change[]) =>
    launch(changes, async () => {
      const waits = await Promise.allSettled(changes.map((c) => {
        const server = referencedServer(c);
        return server ? awaitLiveInstall(server, c) : Promise.resolve();
      }));
      changes = changes.filter((c, i) => {
        const w = waits[i]!;
        if (w.status === 'rejected') finish(c, w.reason);
        return w.status === 'fulfilled';
      });
      const zone = opts.zones.find((z) => z.id === zoneId) ?? { provider: 'cloudflare' as const, id: zoneId, name: zoneId, plan: 'free' as const };
      const set: RecordChangeSet = { deletes: [], updates: [], creates: [] };
      const included: Change[] = [];
      for (const c of changes) {
        const p = c.payload;
        try {
          if (p.op === 'record.delete') set.deletes.push(p.record.id);
          else if (p.op === 'record.update') set.updates.push({ id: p.recordId, record: toRecordInput(p.record, run, liveByName) });
          else if (p.op === 'record.create') set.creates.push(toRecordInput(p.record, run, liveByName));
          included.push(c);
        } catch (err) {
          finish(c, err);
        }
      }
      if (included.length === 0) return;
      try {
        await opts.fence?.();
        await opts.providers.dns.applyRecordChanges(zone, set);
        for (const c of included) finish(c);
      } catch (err) {
        for (const c of included) finish(c, err);
      }
    });

  const waitingFor = new Map<string, string>();
  for (;;) {
    // Skip what depends on a failed or skipped change.
    let skippedAny = true;
    while (skippedAny) {
      skippedAny = false;
      for (const id of pending) {
        const c = byId.get(id)!;
        const bad = c.dependsOn.find((d) => {
          const r = results.get(d);
          return r !== undefined && r.status !== 'done';
        });
        if (bad) {
          pending.delete(id);
          const reason = `waits on ${bad}, which ${results.get(bad)!.status === 'failed' ? 'failed' : 'was skipped'}`;
          results.set(id, { id, status: 'skipped', error: reason, elapsedMs: 0 });
          emit({ type: 'skipped', change: c, reason });
          skippedAny = true;
        }
      }
    }
    const ready = [...pending].map((id) => byId.get(id)!).filter((c) => c.dependsOn.every((d) => results.get(d)?.status === 'done' || !byId.has(d)));
    for (const c of [...pending].map((id) => byId.get(id)!)) {
      const open = c.dependsOn.filter((d) => byId.has(d) && results.get(d)?.status !== 'done');
      const key = open.join(',');
      if (open.length && waitingFor.get(c.id) !== key) {
        waitingFor.set(c.id, key);
        emit({ type: 'waiting', change: c, on: open });
      }
    }
    for (const c of ready.filter((x) => !isRecord(x))) {
      if (!unbounded(c) && busy >= parallelism) continue;
      launch([c], async () => {
        try {
          await opts.fence?.();
          await runResourceChange(c, ctxFor(c));
          finish(c);
        } catch (err) {
          finish(c, err);
        }
      }, !unbounded(c));
    }
    const zones = new Map<string, Change[]>();
    for (const c of ready.filter(isRecord)) zones.set(zoneOf(c), [...(zones.get(zoneOf(c)) ?? []), c]);
    for (const [zoneId, changes] of zones) {
      if (busy >= parallelism) break;
      runZoneBatch(zoneId, changes);
    }
    if (pending.size === 0 && running === 0) break;
    if (running === 0 && ready.length === 0) {
      // Dependencies that can never finish (a cycle, or an id outside the plan): fail them by name.
      for (const id of pending) {
        const c = byId.get(id)!;
        finish(c, new Error(`unmet dependencies: ${c.dependsOn.filter((d) => results.get(d)?.status !== 'done').join(', ')}`));
      }
      pending.clear();
      break;
    }
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }

  const ordered = plan.changes.map((c) => results.get(c.id)!);
  return { ok: ordered.every((r) => r.status === 'done'), results: ordered, created: Object.fromEntries(run.servers), elapsedMs: clock.now() - started };
}
