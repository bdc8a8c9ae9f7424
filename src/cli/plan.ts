import { Command, Option } from 'commander';
import { observeAndPlan } from '../pipeline.ts';
import { checkPlan, renderPlanJson, renderPlanMarkdown, renderPlanText, writePlanFile } from '../plan/index.ts';
import type { Plan } from '../plan/types.ts';
import { scrub } from '../secrets.ts';
import { useColor } from '../log.ts';
import { EXIT, exitHelp } from './exit.ts';
import { connectFor, gitRevision, loadOrThrow } from './session.ts';
import { unguardedNotice } from './lock-guard.ts';

interface PlanOptions {
  dir: string;
  markdown?: boolean;
  json?: boolean;
  out?: string;
}

/** The plan in the asked-for format, followed (in text and markdown) by what `apply` would refuse. */
export function formatPlan(plan: Plan, format: 'text' | 'markdown' | 'json', color = false): string {
  if (format === 'json') return renderPlanJson(plan);
  const body = format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, { color });
  const verdict = checkPlan(plan);
  const refusals = verdict.refusals.map((r) => `${format === 'markdown' ? '- ' : ''}apply would refuse: ${r.message}${r.overridable ? ` (override: --force ${plan.checksum.slice(0, 12)})` : ''}`);
  return scrub([body.trimEnd(), ...refusals].join('\n'));
}

/**
 * `keelson plan`: observe, diff, print. Makes no write call at any provider. Exit 0 when there is
 * nothing to change, 2 when there are changes, 1 on any error (manifest, catalog, provider).
 */
export function planCommand(): Command {
  return new Command('plan')
    .description('show what apply would change: observe the providers, diff against the manifests (never writes)')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .addOption(new Option('--markdown', 'render as markdown (pull-request comments)').conflicts('json'))
    .addOption(new Option('--json', 'render as JSON (versioned schema: schemas/plan.json)').conflicts('markdown'))
    .option('--out <file>', 'also save the plan (checksum, git revision, live fingerprints) for `keelson apply FILE`')
    .addHelpText('after', exitHelp('plan'))
    .action(async (opts: PlanOptions) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      const conn = await connectFor(project, manifests);
      try {
        const { plan } = await observeAndPlan(project, manifests, conn.providers, { revision: await gitRevision(project.root) });
        const format = opts.json ? 'json' : opts.markdown ? 'markdown' : 'text';
        process.stdout.write(`${formatPlan(plan, format, format === 'text' && useColor(process.stdout))}\n`);
        const notice = await unguardedNotice(project);
        if (notice) process.stderr.write(`${notice}\n`);
        if (opts.out) {
          writePlanFile(opts.out, plan);
          process.stderr.write(`saved plan ${plan.checksum.slice(0, 12)} to ${opts.out}\n`);
        }
        if (plan.problems.length) process.exitCode = EXIT.failure;
        // Half-done work counts as pending: apply has something to do.
        else process.exitCode = plan.changes.length || plan.inProgress?.length ? EXIT.changes : EXIT.ok;
      } finally {
        await conn.close();
      }
    });
}
