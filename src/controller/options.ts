/**
 * The controller's contracts: what it is built from (options, an injected clock, the git source seam,
 * loops that run beside it such as failover) and the status snapshot it exposes (for `/api/status`
 * and the status page).
 */
import type { Manifests, ProjectConfig } from '../model/types.ts';
import type { Connection } from '../providers/connect.ts';
import type { ReconcileLock, ReconcileOutcome, StageName } from '../reconcile/types.ts';
import type { DeferReason } from '../schedule/due.ts';
import type { WorkflowContext } from '../workflows/rebuild.ts';
import type { RecordedEvent } from './events.ts';
import type { TargetStatus } from '../failover/index.ts';
import type { CommitInfo, Verification } from './git-source.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { FleetView } from './status-page/fleet.ts';

/** Time, injected: tests drive the loop without sleeping. `sleep` ends early when `signal` aborts. */
export interface ControllerClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realControllerClock: ControllerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, Math.min(ms, 2_147_483_647));
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  }),
};

/** What the loop needs from git (GitSource implements it). */
export interface CommitSource {
  remoteHead(): Promise<string>;
  fetch(commit: string): Promise<void>;
  verify(commit: string): Promise<Verification>;
  describe(commit: string): Promise<CommitInfo>;
  /** The repository root of exactly `commit`, in a fresh tree. */
  checkout(commit: string): Promise<string>;
}

/** A loop that runs inside the controller beside reconcile (failover, issue 12): started once, stopped at shutdown. */
export interface SideLoop {
  name: string;
  start(ctx: SideLoopContext): void | Promise<void>;
  stop(): Promise<void>;
  /** Failover targets' state for the status snapshot (the failover side loop has them). */
  targets?(): TargetStatus[] | undefined;
}

export interface SideLoopContext {
  /** The manifests and project in force (the last applied commit), or undefined before the first. */
  current(): { project: ProjectConfig; manifests: Manifests; revision: string } | undefined;
  connection(): Connection | undefined;
  metrics: ControllerMetrics;
}

export interface ControllerOptions {
  source: CommitSource;
  /** The branch followed (for the status snapshot). */
  branch: string;
  /** Look at the remote this often (jittered ±10 %). */
  intervalMs: number;
  /** Observe and plan this often with no new commit; apply what drifted when `selfHeal`. */
  driftIntervalMs: number;
  selfHeal: boolean;
  clock?: ControllerClock;
  random?: () => number;
  /** Connects for a project (called once per distinct provider settings; the connection is kept). */
  connect: (project: ProjectConfig, manifests: Manifests) => Promise<Connection>;
  workflow: (project: ProjectConfig, manifests: Manifests, conn: Connection) => WorkflowContext;
  metrics: ControllerMetrics;
  /** Taken by every reconcile that may write (issue 14's git-remote lock or PostgreSQL lease). */
  lock?: ReconcileLock;
  /** The desired state the loop reconciles (failover removes held-down targets here). */
  desired?: (manifests: Manifests) => Manifests;
  sideLoops?: SideLoop[];
  /** How long shutdown waits for running steps (rebuilds) to reach a safe point. Default 30 s. */
  shutdownDeadlineMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export type Trigger = 'commit' | 'retry' | 'drift' | 'hook';

/** The last reconcile, as plain data. */
export interface LastReconcile {
  trigger: Trigger;
  revision?: string;
  outcome: ReconcileOutcome;
  at: string;
  ms: number;
  failedStage?: StageName;
  message?: string;
  counts?: { create: number; update: number; replace: number; delete: number };
  refusals: string[];
  problems: string[];
  changes: { id: string; status: string; error?: string }[];
}

/** Everything the status page renders; plain JSON. */
export interface StatusSnapshot {
  /** When this snapshot was taken, on the controller's clock. */
  generatedAt: string;
  branch: string;
  head?: CommitInfo;
  applied?: CommitInfo & { at: string };
  sourceError?: string;
  ready: boolean;
  lastTick?: string;
  last?: LastReconcile;
  backoff?: { revision: string; attempt: number; retryAt: string };
  refused?: { revision: string; checksum: string };
  rebuilds: { running: { server: string; region: string; since: string }[]; held: { server: string; reason: DeferReason; retryAt?: string }[] };
  events: RecordedEvent[];
  /** The fleet at the last reconcile that observed the providers; absent before the first. */
  fleet?: FleetView;
  /** Each failover target now (health, since when, record in DNS); absent while no failover loop runs. */
  failover?: TargetStatus[];
}
