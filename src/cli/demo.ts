import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { loadProject } from '../manifest/load-project.ts';
import { applyPlan } from '../apply/executor.ts';
import { lineReporter } from '../apply/progress.ts';
import { useColor } from '../log.ts';
import { observeAndPlan } from '../pipeline.ts';
import { assertPlanSafe } from '../plan/index.ts';
import { connectEndpoints, simulatorEndpoints } from '../providers/connect.ts';
import { startSimulator } from '../sim/index.ts';
import { EXIT, exitHelp } from './exit.ts';
import { formatPlan } from './plan.ts';
import { paintFor, problemLine, summarizeManifests } from './report.ts';
import { loadOrThrow, simulatorSeed } from './session.ts';

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
 * (fast clock, so installs take a second). Changes nothing outside the simulator. Returns whether the
 * final plan is empty.
 */
export async function planApplyDemo(dir: string, out: NodeJS.WriteStream = process.stdout): Promise<boolean> {
  const { project, manifests } = await loadOrThrow(dir);
  const sim = await startSimulator({ speed: 600, seed: simulatorSeed(manifests) });
  const color = useColor(out);
  const say = (s: string) => out.write(`${s}\n`);
  try {
    say(`\n== simulator at ${sim.url} (embedded; nothing real is touched)`);
    const conn = connectEndpoints(simulatorEndpoints(sim), project.providers);
    say(`\n== keelson plan --dir ${relative(process.cwd(), dir)}\n`);
    const first = await observeAndPlan(project, manifests, conn.providers);
    say(formatPlan(first.plan, 'text', color));
    assertPlanSafe(first.plan);
    say(`\n== keelson apply --dir ${relative(process.cwd(), dir)}\n`);
    const result = await applyPlan(first.plan, {
      providers: conn.providers, zones: first.live.zones, catalog: first.live.catalog, snapshots: first.live.snapshots, servers: first.live.servers,
      pollIntervalMs: 100, onEvent: lineReporter(out).onEvent,
    });
    say(`applied ${result.results.filter((r) => r.status === 'done').length} of ${result.results.length} change(s)`);
    say(`\n== keelson plan (again: should be empty)\n`);
    const second = await observeAndPlan(project, manifests, conn.providers);
    say(formatPlan(second.plan, 'text', color));
    return result.ok && second.plan.changes.length === 0;
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
