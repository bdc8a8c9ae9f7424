/**
 * The one reconcile: source → load → observe → resume (finish interrupted rebuilds, then observe again) → plan → check →
 * hooks (destroy hooks of removed servers) → apply → result. `keelson apply`, `keelson demo` and the
 * controller all run it and differ only in the options they pass; the CLI renders the value it returns.
 * Never throws: every failure comes back as `outcome: 'failed'` with the stage and the error. Safe to
 * repeat at any point: every writing stage derives what is left to do from the live state.
 */
import { applyPlan } from '../apply/executor.ts';
import { UsageError } from '../errors.ts';
import { loadProject } from '../manifest/load-project.ts';
import type { LiveState } from '../model/live.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { observeScope } from '../pipeline.ts';
import { assertFresh, checkPlan, type Plan } from '../plan/index.ts';
import { planChanges } from '../plan/plan.ts';
import type { Connection } from '../providers/connect.ts';
import { observe } from '../providers/observe.ts';
import { rebuildsInProgress } from '../model/server-family.ts';
import { finishRebuilds } from '../workflows/resume.ts';
import { runRemovedServerHooks } from './removed-servers.ts';
import type { LockLease, ReconcileOptions, ReconcileResult, StageName } from './types.ts';

class Cancelled extends Error {}

function emptyResult(): ReconcileResult {
  return { outcome: 'failed', problems: [], warnings: [], refusals: [], overridden: [], changes: [], rebuilds: [], hooks: [], stages: [] };
}

/** Runs one reconcile with `opts`; see the module comment for the stages. */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileResult> {
  const now = opts.now ?? Date.now;
  const say = opts.say ?? (() => {});
  const out = emptyResult();
  let current: StageName = 'source';
  const stage = async <T>(name: StageName, fn: () => Promise<T>): Promise<T> => {
    if (opts.signal?.aborted) throw new Cancelled('aborted');
    current = name;
    const t0 = now();
    try {
      return await fn();
    } finally {
      out.stages.push({ stage: name, ms: now() - t0 });
    }
  };
  let conn: Connection | undefined;
  let lease: LockLease | undefined;
  const fence = async () => {
    if (lease) await lease.assertHeld();
  };
  try {
    const tree = await stage('source', opts.source);
    out.revision = tree.revision;
    const loaded = await stage('load', () => loadProject(tree.dir));
    if (!loaded.ok) {
      out.outcome = 'invalid';
      out.failedStage = 'load';
      out.problems = loaded.problems;
      return out;
    }
    const { project, manifests } = loaded;
    out.warnings = loaded.warnings;
    out.project = project;
    out.manifests = manifests;
    conn = await opts.connect(project, manifests);
    const writing = opts.apply !== false;
    if (writing && opts.lock) lease = await opts.lock.acquire({ revision: tree.revision });
    const ctx = opts.workflow(project, manifests, conn);
    const look = () => stage('observe', () => observe(conn!.providers, { ...observeScope(manifests), now: () => new Date(now()) }));
    let live = await look();
    const interrupted = rebuildsInProgress(live.servers, project.owner).some((f) => manifests.servers.has(f.name));
    if (writing && !opts.savedPlan && interrupted) {
      // A rebuild a crash left half done is finished by its own workflow before anything is planned;
      // found from the observation itself, so a reconcile with none costs no extra call.
      out.rebuilds = await stage('resume', async () => {
        await fence();
        const done = await finishRebuilds({ ...ctx, ...(opts.signal && { signal: opts.signal }) });
        for (const r of done) say(rebuildLine(r));
        return done;
      });
      live = await look();
    }
    out.live = live;
    const plan = await stage('plan', async () => planFor(opts, project, manifests, live, tree.revision));
    out.plan = plan;
    out.summary = { changes: plan.changes.length, checksum: plan.checksum, counts: plan.counts };
    opts.onPlan?.(plan);
    const verdict = await stage('check', async () => checkPlan(plan, { ...(opts.force !== undefined && { force: opts.force }) }));
    out.refusals = verdict.refusals;
    out.overridden = verdict.overridden;
    if (!verdict.ok) {
      out.outcome = 'refused';
      out.failedStage = 'check';
      return out;
    }
    if (plan.changes.length === 0) {
      out.outcome = 'in-sync';
      return out;
    }
    if (!writing) {
      out.outcome = 'planned';
      return out;
    }
    if (opts.confirm && !(await opts.confirm(plan))) {
      out.outcome = 'cancelled';
      return out;
    }
    await stage('hooks', async () => {
      await fence();
      // Servers that left the manifests take their destroy hooks with them: run them from git history first.
      await runRemovedServerHooks(plan, project, manifests, ctx, (l) => {
        out.hooks.push(l);
        say(l);
      });
    });
    const applied = await stage('apply', async () => {
      await fence();
      return applyPlan(plan, {
        providers: conn!.providers,
        zones: live.zones, catalog: live.catalog, snapshots: live.snapshots, servers: live.servers,
        ...(opts.parallelism !== undefined && { parallelism: opts.parallelism }),
        ...(opts.pollIntervalMs && { pollIntervalMs: opts.pollIntervalMs(conn!) }),
        ...(opts.onApplyEvent && { onEvent: opts.onApplyEvent }),
      });
    });
    out.applied = applied;
    out.changes = applied.results;
    out.outcome = applied.ok ? 'applied' : 'failed';
    if (!applied.ok) out.failedStage = 'apply';
    return out;
  } catch (err) {
    out.outcome = err instanceof Cancelled ? 'cancelled' : 'failed';
    if (!(err instanceof Cancelled)) out.failedStage = current;
    out.error = err;
    out.message = err instanceof Error ? err.message : String(err);
    return out;
  } finally {
    const t0 = now();
    await lease?.release().catch(() => {});
    if (conn && !opts.keepConnection) await conn.close();
    out.stages.push({ stage: 'result', ms: now() - t0 });
  }
}

function planFor(opts: ReconcileOptions, project: ProjectConfig, manifests: Manifests, live: LiveState, revision: string | undefined): Plan {
  if (opts.savedPlan) {
    const { plan, file } = opts.savedPlan;
    if (plan.owner !== project.owner) throw new UsageError(`${file} was planned for owner ${plan.owner}, this repository is ${project.owner}`);
    assertFresh(plan, live);
    return plan;
  }
  const desired = opts.desired ? opts.desired(manifests) : manifests;
  return planChanges(desired, live, { owner: project.owner, safety: project.safety, ...(revision !== undefined && { revision }) });
}

/** One line for a rebuild the resume stage finished. */
export function rebuildLine(r: ReconcileResult['rebuilds'][number]): string {
  if (r.outcome === 'none') return `[Server/${r.server}] no rebuild in progress`;
  return `[Server/${r.server}] ${r.outcome === 'resumed' ? 'finished the rebuild in progress' : 'rebuilt'}: ${r.oldId} → ${r.newId} in ${r.region} (${r.ipv4})`;
}

/** How many changes of the result were applied. */
export function appliedCount(r: ReconcileResult): number {
  return r.changes.filter((c) => c.status === 'done').length;
}
