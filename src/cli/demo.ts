import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { loadProject } from '../manifest/load-project.ts';
import { lineReporter } from '../apply/progress.ts';
import { useColor } from '../log.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { connectEndpoints, simulatorEndpoints, type Connection } from '../providers/connect.ts';
import { appliedCount, reconcile } from '../reconcile/reconcile.ts';
import { reconcileError } from './apply.ts';
import { startSimulator } from '../sim/index.ts';
import { EXIT, exitHelp } from './exit.ts';
import { formatPlan } from './plan.ts';
import { paintFor, problemLine, summarizeManifests } from './report.ts';
import { loadOrThrow, simulatorSeed } from './session.ts';
import { workflowContext } from './workflow-session.ts';

/** keelson's own checkout (where manifests/ and examples/ live), whatever the working directory. */
const PACKAGE_ROOT = join(import.meta.dirname, '..', '..');

/** The repositories the demo walks: the starter at the root, then every folder under examples/. */
export function demoRepositories(root = PACKAGE_ROOT): string[] {
  const examples = join(root, 'examples');
  const dirs = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(examples, d.name)).sort();
  return [root, ...dirs];
}

/** The example the demo plans and applies. */
export const DEMO_EXAMPLE = 'two-region-saas';

/**
 * validate → plan → apply → plan on one example, against an embedded simulator started for the demo
 * (fast clock, so installs take a second), through the same reconcile `keelson apply` and the
 * controller run. Changes nothing outside the simulator. Returns whether the final plan is empty.
 */
export async function planApplyDemo(dir: string, out: NodeJS.WriteStream = process.stdout): Promise<boolean> {
  const { manifests } = await loadOrThrow(dir);
  const sim = await startSimulator({ speed: 600, seed: simulatorSeed(manifests) });
  const color = useColor(out);
  const say = (s: string) => out.write(`${s}\n`);
  const shown = relative(process.cwd(), dir);
  try {
    say(`\n== simulator at ${sim.url} (embedded; nothing real is touched)`);
    const conn = connectEndpoints(simulatorEndpoints(sim));
    const base = {
      source: async () => ({ dir }),
      connect: async () => conn,
      keepConnection: true,
      workflow: (project: ProjectConfig, m: Manifests, c: Connection) => workflowContext(project, m, c),
      pollIntervalMs: () => 100,
      say,
    };
    say(`\n== keelson apply --dir ${shown}\n`);
    const first = await reconcile({ ...base, onPlan: (p) => say(formatPlan(p, 'text', color)), onApplyEvent: lineReporter(out).onEvent });
    if (first.applied) say(`applied ${appliedCount(first)} of ${first.changes.length} change(s)`);
    const err = reconcileError(first);
    if (err !== undefined) throw err;
    say(`\n== keelson plan (again: should be empty)\n`);
    const second = await reconcile({ ...base, apply: false, onPlan: (p) => say(formatPlan(p, 'text', color)) });
    return second.outcome === 'in-sync';
  } finally {
    await sim.stop();
  }
}

/**
 * `keelson demo` (what `npm start` runs): validates the starter repository and every example, then
 * plans, applies and plans again on examples/two-region-saas against the embedded simulator.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('validate every example, then plan → apply → plan one on the embedded simulator (no cloud account needed)')
    .addHelpText('after', exitHelp('demo'))
    .action(async () => {
      const paint = paintFor(process.stdout);
      let failed = 0;
      for (const dir of demoRepositories()) {
        const shown = relative(process.cwd(), dir) || '.';
        const result = await loadProject(dir);
        if (!result.ok) {
          failed++;
          process.stdout.write(`${paint.red('invalid')} ${shown}\n`);
          for (const p of result.problems) process.stdout.write(`  ${problemLine(p, 'error', paint)}\n`);
          continue;
        }
        process.stdout.write(`${paint.green('valid')} ${shown} ${paint.dim(`(owner ${result.project.owner})`)}\n`);
        for (const line of summarizeManifests(result.manifests)) process.stdout.write(`  ${line}\n`);
        for (const w of result.warnings) process.stdout.write(`  ${problemLine(w, 'warning', paint)}\n`);
      }
      const converged = failed === 0 && (await planApplyDemo(join(PACKAGE_ROOT, 'examples', DEMO_EXAMPLE)));
      process.exitCode = converged ? EXIT.ok : EXIT.failure;
    });
}
