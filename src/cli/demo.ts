import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { loadProject } from '../manifest/load-project.ts';
import { EXIT } from './exit.ts';
import { paintFor, problemLine, summarizeManifests } from './report.ts';

/** keelson's own checkout (where manifests/ and examples/ live), whatever the working directory. */
const PACKAGE_ROOT = join(import.meta.dirname, '..', '..');

/** The repositories the demo walks: the starter at the root, then every folder under examples/. */
export function demoRepositories(root = PACKAGE_ROOT): string[] {
  const examples = join(root, 'examples');
  const dirs = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(examples, d.name)).sort();
  return [root, ...dirs];
}

/**
 * `keelson demo` (what `npm start` runs): validates the starter repository and every example and
 * prints what each declares. Reads files only. Later issues extend it to plan against the simulator.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('validate the starter repository and every example, and show what each declares (no cloud account needed)')
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
      process.exitCode = failed > 0 ? EXIT.failure : EXIT.ok;
    });
}
