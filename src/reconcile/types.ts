/**
 * The contracts of the one reconcile that `keelson apply`, `keelson demo` and the controller run:
 * its options (what each caller plugs in) and the value it returns (what each caller renders).
 */
import type { ApplyEvent, ApplyResult, ChangeResult } from '../apply/types.ts';
import type { Problem } from '../errors.ts';
import type { LiveState } from '../model/live.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import type { Plan, Refusal } from '../plan/index.ts';
import type { Connection } from '../providers/connect.ts';
import type { RebuildResult, WorkflowContext } from '../workflows/rebuild.ts';

/**
 * The named stages, in the order they run. `resume` runs only when the observation shows a rebuild a
 * crash left half done (then observe runs again); `hooks` runs the destroy hooks of removed servers
 * before apply deletes them.
 */
export type StageName = 'source' | 'load' | 'resume' | 'observe' | 'plan' | 'check' | 'hooks' | 'apply' | 'result';

export const STAGES: readonly StageName[] = ['source', 'load', 'observe', 'resume', 'plan', 'check', 'hooks', 'apply', 'result'];

/**
 * How a reconcile ended:
 * - `in-sync`: the plan was empty; `applied`: every change applied; `planned`: changes found, not applied (report only);
 * - `invalid`: the manifests have problems, nothing was touched; `refused`: `check` refused the plan, nothing applied;
 * - `cancelled`: the confirmation said no, or the signal aborted before a write; `failed`: a stage threw or a change failed.
 */
export type ReconcileOutcome = 'in-sync' | 'applied' | 'planned' | 'invalid' | 'refused' | 'cancelled' | 'failed';

/** The manifests of one exact commit (or a local directory): where they are and what revision they are. */
export interface SourceTree {
  dir: string;
  revision?: string;
}

/**
 * Serialises writers (the lock of issue 14 plugs in here). `acquire` is called once, before the first
 * stage that may write (resume); `assertHeld` before every later writing stage; `release` at the end.
 */
export interface ReconcileLock {
  acquire(what: { revision?: string }): Promise<LockLease>;
}

export interface LockLease {
  /** Throws when the lease was lost (fencing): the reconcile stops before its next write. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

export interface ReconcileOptions {
  /** The source stage: resolves the tree to read (a checked-out commit, or a directory). */
  source: () => Promise<SourceTree>;
  /** Connects once the manifests are loaded; closed at the end unless `keepConnection`. */
  connect: (project: ProjectConfig, manifests: Manifests) => Promise<Connection>;
  keepConnection?: boolean;
  /** The workflow context the resume and hooks stages run rebuilds and destroy hooks with. */
  workflow: (project: ProjectConfig, manifests: Manifests, conn: Connection) => WorkflowContext;
  /** A plan saved earlier: the plan stage checks it is still fresh instead of planning anew (and resume is skipped). */
  savedPlan?: { plan: Plan; file: string };
  /** `false`: stop after check and report (`planned`); default true. */
  apply?: boolean;
  /** `--force <checksum>`: passed to check. The controller never sets it. */
  force?: string;
  /** Asked after check, before anything is written, when there are changes; `false` cancels. */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** The desired state as the loop wants it (e.g. failover's held-down targets removed). Default: the manifests. */
  desired?: (manifests: Manifests) => Manifests;
  lock?: ReconcileLock;
  /** Aborting stops the reconcile before its next stage (a running apply reaches its safe point first). */
  signal?: AbortSignal;
  parallelism?: number;
  pollIntervalMs?: (conn: Connection) => number;
  now?: () => number;
  /** Progress for humans: the plan once made, each apply event, one line per rebuild finished or hook run. */
  onPlan?: (plan: Plan) => void;
  onApplyEvent?: (e: ApplyEvent) => void;
  say?: (line: string) => void;
}

/** What a reconcile did, stage by stage. Plain data apart from `error` and `plan`. */
export interface ReconcileResult {
  outcome: ReconcileOutcome;
  revision?: string;
  /** The stage that failed, for `failed` / `invalid`. */
  failedStage?: StageName;
  /** `invalid`: every problem in the manifests, with file and line. */
  problems: Problem[];
  warnings: Problem[];
  plan?: Plan;
  summary?: { changes: number; checksum: string; counts: Plan['counts'] };
  /** Check's refusals with their numbers (`refused`), and those a matching force let through. */
  refusals: Refusal[];
  overridden: Refusal[];
  /** The outcome of every change the apply stage ran. */
  changes: ChangeResult[];
  applied?: ApplyResult;
  /** Rebuilds a crash had left half done, finished by the resume stage. */
  rebuilds: RebuildResult[];
  hooks: string[];
  stages: { stage: StageName; ms: number }[];
  /** `failed`: why (the original error, for the CLI's exit mapping). */
  error?: unknown;
  message?: string;
  /** The observation the plan was made from (for callers that act on it, like the scheduler). */
  live?: LiveState;
  manifests?: Manifests;
  project?: ProjectConfig;
}
