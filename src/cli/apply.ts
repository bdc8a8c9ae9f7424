import { Command, InvalidArgumentError } from 'commander';
import { reporterFor } from '../apply/progress.ts';
import type { ApplyResult } from '../apply/types.ts';
import { KeelsonError, ManifestError, UnsafePlanError, UsageError } from '../errors.ts';
import { useColor } from '../log.ts';
import { readPlanFile } from '../plan/index.ts';
import { appliedCount, reconcile } from '../reconcile/reconcile.ts';
import type { ReconcileResult } from '../reconcile/types.ts';
import { EXIT, exitHelp } from './exit.ts';
import { confirmOrDecline } from './prompt.ts';
import { formatPlan } from './plan.ts';
import { connectFor, gitRevision, pollIntervalFor } from './session.ts';
import { jsonApplyReporter, jsonEventLog } from './log-events.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';
import { workflowContext } from './workflow-session.ts';

interface ApplyOptions extends LockFlags {
  force?: string;
  parallelism: number;
  yes?: boolean;
}

/** Some changes failed; names every failed change (and what was skipped because of it). */
export class ApplyFailedError extends KeelsonError {
  override name = 'ApplyFailedError';
  constructor(readonly result: ApplyResult) {
    const failed = result.results.filter((r) => r.status !== 'done');
    super(`apply failed: ${failed.length} change(s) not applied:\n${failed.map((r) => `  ${r.status} ${r.id}: ${r.error ?? ''}`).join('\n')}`);
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

/**
 * The error a reconcile that did not end well stands for, for the one exit-code table (src/cli/exit.ts);
 * undefined when it ended well.
 */
export function reconcileError(r: ReconcileResult): unknown {
  switch (r.outcome) {
    case 'invalid':
      return new ManifestError(r.problems);
    case 'refused':
      return new UnsafePlanError(r.refusals.map((x) => x.message + (x.overridable && r.plan ? ` (override: --force ${r.plan.checksum.slice(0, 12)})` : '')));
    case 'cancelled':
      return r.error ?? new UsageError('apply cancelled');
    case 'failed':
      return r.failedStage === 'apply' && r.applied ? new ApplyFailedError(r.applied) : r.error;
    default:
      return undefined;
  }
}

/**
 * `keelson apply [FILE]`: applies a fresh plan, or a saved one after checking that the live state
 * behind it has not moved. Refuses unsafe plans unless forced by checksum. Exit 0 when everything
 * applied, 1 naming every failed change. Killing it at any point and running it again converges.
 */
export function applyCommand(): Command {
  return withLockOptions(new Command('apply'))
    .description('apply a fresh plan, or a saved plan file (refused when the live state moved since it was made)')
    .argument('[file]', 'a plan saved by `keelson plan --out FILE`')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--force <checksum>', "apply although safety refuses: the plan's checksum (12+ characters)")
    .option('--parallelism <n>', 'changes running at once', positiveInt, 4)
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText('after', exitHelp('apply'))
    .action(locked('apply', async (file: string | undefined, opts: ApplyOptions, cmd: Command, guard: Guard) => {
      const events = jsonEventLog(cmd);
      const reporter = events ? jsonApplyReporter(events) : reporterFor(process.stderr);
      const say = (l: string) => process.stdout.write(`${l}\n`);
      let result: ReconcileResult;
      try {
        result = await reconcile({
          source: async () => ({ dir: opts.dir, ...(file ? {} : { revision: await gitRevision(opts.dir) }) }),
          // Every provider write waits on the lock's fence: a run whose lock was taken over stops before it.
          connect: async (project, manifests) => {
            const conn = await connectFor(project, manifests);
            conn.providers = guard.providers(conn.providers);
            return conn;
          },
          lock: { acquire: async () => ({ assertHeld: guard.fence, release: async () => {} }) },
          workflow: (project, manifests, conn) => workflowContext(project, manifests, conn),
          ...(file && { savedPlan: { plan: readPlanFile(file), file } }),
          ...(opts.force !== undefined && { force: opts.force }),
          parallelism: opts.parallelism,
          pollIntervalMs: (conn) => pollIntervalFor(conn),
          confirm: async (plan) => {
            if (opts.yes || file) return true;
            await confirmOrDecline('apply', `Apply ${plan.changes.length} change(s) (checksum ${plan.checksum.slice(0, 12)})? Type yes: `, 'yes');
            return true;
          },
          onPlan: (plan) => say(formatPlan(plan, 'text', useColor(process.stdout))),
          onApplyEvent: (e) => reporter.onEvent(e),
          say,
        });
      } finally {
        reporter.close();
      }
      if (result.applied) say(`applied ${appliedCount(result)} of ${result.changes.length} change(s) in ${(result.applied.elapsedMs / 1000).toFixed(1)}s`);
      const err = reconcileError(result);
      if (err !== undefined) throw err;
      process.exitCode = EXIT.ok;
    }));
}
