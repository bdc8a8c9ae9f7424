import type { Command } from 'commander';
import { createLogger } from '../log.ts';
import { loadProject } from '../manifest/load-project.ts';
import { EXIT, exitHelp } from './exit.ts';
import type { GlobalOptions } from './main.ts';
import { countManifests, paintFor, problemLine, summarizeManifests } from './report.ts';

interface ValidateOptions {
  dir: string;
  json?: boolean;
}

/** `keelson validate`: load and check a repository, print every problem, exit 0 (valid) or 1. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check keelson.yaml and every manifest: schema, defaults and cross-references (reads files only)')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--json', 'print the result as JSON (for machines)')
    .addHelpText(
      'after',
      `${exitHelp('validate')}

Examples:
  keelson validate
  keelson validate --dir examples/two-region-saas
  keelson validate --json | jq '.problems[].message'`,
    )
    .action(async (opts: ValidateOptions, cmd: Command) => {
      const log = createLogger({ format: (cmd.optsWithGlobals() as GlobalOptions).logFormat });
      log.debug({ dir: opts.dir }, 'validating');
      const result = await loadProject(opts.dir);
      const warnings = result.warnings ?? [];
      if (opts.json) {
        const body = result.ok
          ? { ok: true, problems: [], warnings, resources: countManifests(result.manifests) }
          : { ok: false, problems: result.problems, warnings };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else {
        const paint = paintFor(process.stdout);
        for (const p of result.ok ? [] : result.problems) process.stdout.write(`${problemLine(p, 'error', paint)}\n`);
        for (const w of warnings) process.stdout.write(`${problemLine(w, 'warning', paint)}\n`);
        if (result.ok) {
          process.stdout.write(`${paint.green('valid')}: ${opts.dir}\n`);
          for (const line of summarizeManifests(result.manifests)) process.stdout.write(`  ${line}\n`);
        } else {
          const files = new Set(result.problems.map((p) => p.file)).size;
          process.stdout.write(`${paint.red('invalid')}: ${result.problems.length} problem(s) in ${files} file(s)\n`);
        }
      }
      log.debug({ ok: result.ok }, 'validated');
      process.exitCode = result.ok ? EXIT.ok : EXIT.failure;
    });
}
