/**
 * The controller's loop. Each tick: read the branch head (ls-remote; fetch only when it moved) →
 * a new head is verified and reconciled at once (this cancels any backoff of an older commit) → a
 * failed commit is retried when its backoff ends (the head is re-read first, so a newer commit always
 * wins) → with nothing new, every drift interval the commit in force is observed and planned again
 * (applied when self-healing) → due snapshot refreshes and scheduled rebuilds start. The controller
 * never forces: a refused plan is reported and waits for a new commit or a changed live state.
 * A failed fetch keeps the last good commit in force. `stop()` starts no new work and lets running
 * steps reach a safe point.
 */
import type { Manifests, ProjectConfig } from '../model/types.ts';
import type { Connection } from '../providers/connect.ts';
import { formatLocation } from '../errors.ts';
import { reconcile } from '../reconcile/reconcile.ts';
import type { ReconcileResult } from '../reconcile/types.ts';
import { backoffDelay, jittered } from './backoff.ts';
import { EventSink } from './events.ts';
import type { CommitInfo } from './git-source.ts';
import { recordReconcile } from './metrics.ts';
import { realControllerClock, type ControllerOptions, type LastReconcile, type StatusSnapshot, type Trigger } from './options.ts';
import { RebuildRunner } from './rebuilds.ts';
import { dueRefreshes, runRefreshes } from './schedules.ts';
import { buildFleet } from './status-page/fleet.ts';

interface InForce {
  commit: string;
  info: CommitInfo;
  dir: string;
  at: number;
  project: ProjectConfig;
  manifests: Manifests;
}

export class Controller {
  readonly events: EventSink;
  readonly rebuilds: RebuildRunner;
  private readonly clock;
  private readonly random;
  private head?: CommitInfo;
  private sourceError?: string;
  private inForce?: InForce;
  /** The newest commit the loop has taken up (reconciled, or refused for its signature). */
  private handled?: string;
  private failure?: { commit: string; attempt: number; retryAt: number };
  private refused?: { commit: string; checksum: string };
  private lastDriftAt = 0;
  private lastTick?: number;
  private last?: LastReconcile;
  /** The last reconcile that observed the providers (the status page's fleet rows). */
  private observed?: { result: ReconcileResult; project: ProjectConfig; manifests: Manifests };
  private firstDone = false;
  private conn?: Connection;
  private connKey?: string;
  private readonly stopping = new AbortController();
  private wake = new AbortController();
  private poked = false;
  private running?: Promise<void>;
  private stopped?: Promise<void>;

  constructor(private readonly opts: ControllerOptions) {
    this.clock = opts.clock ?? realControllerClock;
    this.random = opts.random ?? Math.random;
    this.events = new EventSink({
      now: () => this.clock.now(),
      notifiers: () => [...(this.inForce?.manifests.notifiers.values() ?? [])],
      env: opts.env,
      log: (e) => opts.log?.(e.event.endsWith('failed') || e.event === 'plan.refused' || e.event === 'commit.refused' ? 'warn' : 'info', e.message, { event: e.event, idempotencyKey: e.idempotencyKey }),
    });
    this.rebuilds = new RebuildRunner(this.events, opts.metrics, () => this.clock.now());
  }

  /** Look at the remote now (a valid webhook). */
  poke(): void {
    this.poked = true;
    this.wake.abort();
  }

  healthy(): boolean {
    return this.lastTick !== undefined && this.clock.now() - this.lastTick <= 3 * this.opts.intervalMs;
  }

  ready(): boolean {
    return this.firstDone;
  }

  /** Runs ticks until `stop()`. */
  start(): Promise<void> {
    const ctx = {
      current: () => (this.inForce ? { project: this.inForce.project, manifests: this.inForce.manifests, revision: this.inForce.commit } : undefined),
      connection: () => this.conn,
      metrics: this.opts.metrics,
    };
    for (const l of this.opts.sideLoops ?? []) void l.start(ctx);
    this.running = (async () => {
      while (!this.stopping.signal.aborted) {
        this.poked = false;
        await this.tick();
        if (this.stopping.signal.aborted) break;
        // A webhook that came during the tick is not lost: look at the remote again at once.
        if (this.poked) continue;
        this.wake = new AbortController();
        const both = AbortSignal.any([this.wake.signal, this.stopping.signal]);
        await this.clock.sleep(this.nextWait(), both);
      }
    })();
    return this.running;
  }

  /** Starts no new work; waits (up to the deadline) for the running tick and rebuilds to reach a safe point. */
  stop(): Promise<void> {
    this.stopped ??= this.halt();
    return this.stopped;
  }

  private async halt(): Promise<void> {
    this.stopping.abort();
    const deadline = this.opts.shutdownDeadlineMs ?? 30_000;
    const settle = Promise.allSettled([this.running, this.rebuilds.settle(), ...(this.opts.sideLoops ?? []).map((l) => l.stop())]);
    await Promise.race([settle, new Promise((r) => setTimeout(r, deadline).unref())]);
    await this.conn?.close();
  }

  private nextWait(): number {
    const now = this.clock.now();
    let wait = jittered(this.opts.intervalMs, this.random);
    if (this.failure) wait = Math.min(wait, this.failure.retryAt - now);
    if (this.inForce && !this.failure) wait = Math.min(wait, this.lastDriftAt + this.opts.driftIntervalMs - now);
    return Math.max(0, wait);
  }

  /** One pass of the loop (see the module comment). Never throws. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    this.lastTick = now;
    const head = await this.readHead();
    let r: ReconcileResult | undefined;
    if (head && head !== this.handled) {
      this.handled = head;
      r = await this.takeUp(head);
    } else if (this.failure && head === this.failure.commit && now >= this.failure.retryAt) {
      r = await this.run(this.failure.commit, 'retry');
    } else if (this.inForce && !this.failure && now - this.lastDriftAt >= this.opts.driftIntervalMs) {
      r = await this.run(this.inForce.commit, 'drift');
    }
    if (!this.stopping.signal.aborted) await this.runSchedules(r?.outcome === 'in-sync' || r?.outcome === 'applied' ? r : undefined);
  }

  private async readHead(): Promise<string | undefined> {
    try {
      const hash = await this.opts.source.remoteHead();
      await this.opts.source.fetch(hash);
      if (this.head?.hash !== hash) this.head = await this.opts.source.describe(hash);
      if (this.sourceError) {
        this.sourceError = undefined;
        await this.events.recover('source', { event: 'source.recovered', resource: 'git', message: 'git remote reachable again', key: { head: hash } });
      }
      return hash;
    } catch (err) {
      this.opts.metrics.sourceErrors.inc();
      this.sourceError = err instanceof Error ? err.message : String(err);
      await this.events.fail('source', {
        event: 'source.failed', resource: 'git',
        message: `${this.sourceError}; keeping ${this.inForce ? this.inForce.commit.slice(0, 12) : 'nothing applied yet'} in force`, key: { error: this.sourceError },
      });
      return undefined;
    }
  }

  private async takeUp(commit: string): Promise<ReconcileResult | undefined> {
    const v = await this.opts.source.verify(commit);
    if (!v.ok) {
      this.failure = undefined;
      await this.events.emit({ event: 'commit.refused', resource: `commit/${commit.slice(0, 12)}`, message: `commit ${commit} refused: ${v.reason}; nothing applied`, key: { revision: commit } });
      this.firstDone = true;
      return undefined;
    }
    return this.run(commit, 'commit');
  }

  private connectionFor = async (project: ProjectConfig, manifests: Manifests): Promise<Connection> => {
    const key = JSON.stringify(project.providers);
    if (!this.conn || this.connKey !== key) {
      await this.conn?.close();
      this.conn = await this.opts.connect(project, manifests);
      this.connKey = key;
    }
    return this.conn;
  };

  private async run(commit: string, trigger: Trigger): Promise<ReconcileResult | undefined> {
    if (this.rebuilds.running.size > 0) return undefined; // a rebuild moves DNS: reconcile once it is done
    const t0 = this.clock.now();
    const drift = trigger === 'drift';
    let dir = '';
    const r = await reconcile({
      source: async () => {
        dir = await this.opts.source.checkout(commit);
        return { dir, revision: commit };
      },
      connect: this.connectionFor,
      keepConnection: true,
      workflow: this.opts.workflow,
      apply: !drift || this.opts.selfHeal,
      ...(this.opts.lock && { lock: this.opts.lock }),
      ...(this.opts.desired && { desired: this.opts.desired }),
      signal: this.stopping.signal,
      now: () => this.clock.now(),
    });
    const end = this.clock.now();
    recordReconcile(this.opts.metrics, r, trigger, (end - t0) / 1000, end);
    this.last = summarize(r, trigger, t0, end);
    if (r.live && r.project && r.manifests) this.observed = { result: r, project: r.project, manifests: r.manifests };
    this.firstDone = true;
    if (r.outcome === 'cancelled') return r;
    if (drift || (r.outcome !== 'failed' && r.outcome !== 'invalid')) this.lastDriftAt = end;
    await this.report(r, commit, trigger, dir);
    return r;
  }

  private async report(r: ReconcileResult, commit: string, trigger: Trigger, dir: string): Promise<void> {
    const short = commit.slice(0, 12);
    if (r.outcome === 'failed' || r.outcome === 'invalid') {
      const attempt = this.failure?.commit === commit ? this.failure.attempt + 1 : 1;
      this.failure = { commit, attempt, retryAt: this.clock.now() + backoffDelay(attempt, this.random) };
      const what = r.outcome === 'invalid'
        ? r.problems.map((p) => `${formatLocation(p)}: ${p.message}`).join('; ')
        : `${r.failedStage} failed: ${r.message ?? r.changes.filter((c) => c.status !== 'done').map((c) => `${c.id} ${c.error ?? c.status}`).join('; ')}`;
      await this.events.fail('reconcile', { event: 'reconcile.failed', resource: `commit/${short}`, message: `reconcile of ${short} ${r.outcome === 'invalid' ? 'found invalid manifests, nothing applied' : 'failed'}: ${what}`, key: { revision: commit, outcome: r.outcome, what } });
      return;
    }
    this.failure = undefined;
    if (r.project && r.manifests) this.inForce = { commit, info: this.head?.hash === commit ? this.head : await this.opts.source.describe(commit), dir, at: this.clock.now(), project: r.project, manifests: r.manifests };
    await this.events.recover('reconcile', { event: 'reconcile.recovered', resource: `commit/${short}`, message: `reconcile of ${short} ${r.outcome}`, key: { revision: commit } });
    if (r.outcome === 'refused') {
      this.refused = { commit, checksum: r.plan?.checksum ?? '' };
      await this.events.emit({ event: 'plan.refused', resource: `commit/${short}`, message: `plan of ${short} refused, nothing applied: ${r.refusals.map((x) => x.message).join('; ')}`, key: { revision: commit, checksum: this.refused.checksum } });
      return;
    }
    this.refused = undefined;
    if (trigger === 'drift' && r.outcome === 'applied') {
      await this.events.emit({ event: 'drift.corrected', resource: `commit/${short}`, message: `drift corrected: ${r.changes.length} change(s) applied at ${short}`, key: { revision: commit, checksum: r.plan?.checksum ?? '' } });
    }
    if (trigger === 'drift' && r.outcome === 'planned') {
      await this.events.emit({ event: 'drift.found', resource: `commit/${short}`, message: `drift found (self-heal is off): ${r.summary?.changes} change(s) pending at ${short}`, key: { revision: commit, checksum: r.plan?.checksum ?? '' } });
    }
  }

  /**
   * Starts due refreshes and rebuilds. Reads the live servers and snapshots only when something is
   * scheduled, and not at all when this tick's reconcile just observed them (before it applied: the
   * instances it created are young and never due, and a rebuild in progress is counted from tags).
   */
  private async runSchedules(observed?: ReconcileResult): Promise<void> {
    const f = this.inForce;
    if (!f || !this.conn || this.failure) return;
    const rebuilds = [...f.manifests.servers.values()].some((s) => s.spec.rebuild?.schedule);
    const refreshes = [...f.manifests.snapshots.values()].some((s) => s.spec.refresh);
    if (!rebuilds && !refreshes) return;
    try {
      const providers = this.conn.providers;
      const fresh = observed?.outcome === 'in-sync' ? observed.live : undefined;
      const [servers, snapshots] = fresh
        ? [fresh.servers, fresh.snapshots]
        : await Promise.all([providers.compute.listServers(), refreshes ? providers.compute.listSnapshots() : Promise.resolve([])]);
      const now = this.clock.now();
      for (const s of await runRefreshes(providers, dueRefreshes(f.project, f.manifests, servers, snapshots, now))) {
        await this.events.emit({ event: 'snapshot.refreshed', resource: `Snapshot/${s.snapshot}`, message: `[Snapshot/${s.snapshot}] refreshed (slot ${new Date(s.slot).toISOString()}): ${s.id}`, key: { snapshot: s.snapshot, slot: s.slot } });
      }
      const ctx = this.opts.workflow(f.project, f.manifests, this.conn);
      this.rebuilds.startDue(f.project, f.manifests, servers, ctx, this.stopping.signal);
    } catch (err) {
      this.opts.log?.('warn', `schedules skipped this tick: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Everything the status page shows, as plain data. */
  status(): StatusSnapshot {
    const iso = (ms: number) => new Date(ms).toISOString();
    const fleet = this.observed && buildFleet({ ...this.observed, rebuilds: this.rebuilds, now: this.clock.now() });
    const failover = (this.opts.sideLoops ?? []).flatMap((l) => l.targets?.() ?? []);
    return {
      generatedAt: iso(this.clock.now()),
      branch: this.opts.branch,
      ...(this.head && { head: this.head }),
      ...(this.inForce && { applied: { ...this.inForce.info, at: iso(this.inForce.at) } }),
      ...(this.sourceError && { sourceError: this.sourceError }),
      ready: this.firstDone,
      ...(this.lastTick !== undefined && { lastTick: iso(this.lastTick) }),
      ...(this.last && { last: this.last }),
      ...(this.failure && { backoff: { revision: this.failure.commit, attempt: this.failure.attempt, retryAt: iso(this.failure.retryAt) } }),
      ...(this.refused && { refused: { revision: this.refused.commit, checksum: this.refused.checksum } }),
      rebuilds: {
        running: [...this.rebuilds.running].map(([server, r]) => ({ server, region: r.region, since: iso(r.since) })),
        held: this.rebuilds.held.map((h) => ({ server: h.server, reason: h.reason, ...(h.retryAt !== undefined && { retryAt: iso(h.retryAt) }) })),
      },
      events: [...this.events.recent],
      ...(fleet && { fleet }),
      ...(failover.length > 0 && { failover }),
    };
  }
}

function summarize(r: ReconcileResult, trigger: Trigger, t0: number, end: number): LastReconcile {
  const c = r.plan?.counts;
  return {
    trigger, ...(r.revision && { revision: r.revision }), outcome: r.outcome, at: new Date(end).toISOString(), ms: end - t0,
    ...(r.failedStage && { failedStage: r.failedStage }), ...(r.message && { message: r.message }),
    ...(c && { counts: { create: c.create, update: c.update, replace: c.replace, delete: c.delete } }),
    refusals: r.refusals.map((x) => x.message),
    problems: r.problems.map((p) => `${formatLocation(p)}: ${p.message}`),
    changes: r.changes.map((x) => ({ id: x.id, status: x.status, ...(x.error && { error: x.error }) })),
  };
}
