import { Command, InvalidArgumentError } from 'commander';
import { applyPlan } from '../apply/executor.ts';
import { reporterFor } from '../apply/progress.ts';
import type { ApplyResult } from '../apply/types.ts';
import { KeelsonError, UsageError } from '../errors.ts';
import { useColor } from '../log.ts';
import { observeAndPlan, observeScope } from '../pipeline.ts';
import { assertFresh, assertPlanSafe, readPlanFile } from '../plan/index.ts';
import type { Plan } from '../plan/types.ts';
import { observe } from '../providers/observe.ts';
import { EXIT, exitHelp } from './exit.ts';
import { confirmOrDecline } from './prompt.ts';
import { formatPlan } from './plan.ts';
import { connectFor, gitRevision, loadOrThrow, pollIntervalFor } from './session.ts';
import { finishRebuildsFor } from './rebuild.ts';
import { runRemovedServerHooks } from './removed-servers.ts';
import { jsonApplyReporter, jsonEventLog } from './log-events.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';

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
      const { project, manifests } = await loadOrThrow(opts.dir);
      const conn = await connectFor(project, manifests);
      conn.providers = guard.providers(conn.providers);
      try {
        let plan: Plan;
        let live;
        if (file) {
          plan = readPlanFile(file);
          if (plan.owner !== project.owner) throw new UsageError(`${file} was planned for owner ${plan.owner}, this repository is ${project.owner}`);
          live = await observe(conn.providers, observeScope(manifests));
          assertFresh(plan, live);
        } else {
          // A rebuild a crash left half done is finished by its own workflow before anything is planned.
          await finishRebuildsFor(project, manifests, conn);
          ({ plan, live } = await observeAndPlan(project, manifests, conn.providers, { revision: await gitRevision(project.root) }));
        }
        process.stdout.write(`${formatPlan(plan, 'text', useColor(process.stdout))}\n`);
        assertPlanSafe(plan, { force: opts.force });
        if (plan.changes.length === 0) {
          process.exitCode = EXIT.ok;
          return;
        }
        if (!opts.yes && !file) {
          await confirmOrDecline('apply', `Apply ${plan.changes.length} change(s) (checksum ${plan.checksum.slice(0, 12)})? Type yes: `, 'yes');
        }
        // Servers that left the manifests take their destroy hooks with them: run them from git history first.
        await runRemovedServerHooks(plan, project, manifests, conn, (l) => process.stdout.write(`${l}\n`));
        const events = jsonEventLog(cmd);
        const reporter = events ? jsonApplyReporter(events) : reporterFor(process.stderr);
        let result: ApplyResult;
        try {
          result = await applyPlan(plan, {
            providers: conn.providers,
            zones: live.zones,
            catalog: live.catalog,
            snapshots: live.snapshots,
            servers: live.servers,
            parallelism: opts.parallelism,
            pollIntervalMs: pollIntervalFor(conn),
            onEvent: (e) => reporter.onEvent(e),
            fence: guard.fence,
          });
        } finally {
          reporter.close();
        }
        const done = result.results.filter((r) => r.status === 'done').length;
        process.stdout.write(`applied ${done} of ${result.results.length} change(s) in ${(result.elapsedMs / 1000).toFixed(1)}s\n`);
        if (!result.ok) throw new ApplyFailedError(result);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    }));
}
