import { Command, Option } from 'commander';
import { applyCommand } from './apply.ts';
import { controllerCommand } from './controller.ts';
import { registerDemo } from './demo.ts';
import { deployCommand, rollbackCommand } from './deploy.ts';
import { describeError } from './exit.ts';
import { destroyCommand } from './destroy.ts';
import { hostsCommand } from './hosts.ts';
import { importCommand } from './import.ts';
import { planCommand } from './plan.ts';
import { rebuildCommand } from './rebuild.ts';
import { scheduleCommand } from './schedule.ts';
import { simCommand } from './sim.ts';
import { statusCommand } from './status.ts';
import { registerValidate } from './validate.ts';

/** Options every verb understands (declared on the root command). */
export interface GlobalOptions {
  logFormat?: 'pretty' | 'json';
}

export function buildProgram(): Command {
  const program = new Command('keelson')
    .description('GitOps reconciler for small fleets: Vultr servers, Cloudflare DNS and blue/green app deploys from YAML in git.')
    .addOption(new Option('--log-format <format>', 'log lines as readable text or JSON').choices(['pretty', 'json']))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Start here:
  keelson validate                      check keelson.yaml and manifests/ in this folder
  keelson validate --dir examples/vpn-fleet
  keelson plan --dir examples/two-region-saas     show what would change (exit 2 = changes)
  keelson apply --dir examples/two-region-saas    apply it (the embedded simulator without credentials)
  keelson demo                          validate → plan → apply → plan on the simulator (what \`npm start\` runs)
  keelson hosts trust web-1             trust a host's SSH key (prints its fingerprint)
  keelson deploy api --image IMAGE      health-gated blue/green deploy over SSH; \`rollback api\`, \`status api\`

Run \`keelson <verb> --help\` for a verb's options and exit codes.`,
    )
    .exitOverride();
  registerValidate(program);
  program.addCommand(planCommand());
  program.addCommand(applyCommand());
  program.addCommand(importCommand());
  registerDemo(program);
  program.addCommand(simCommand());
  program.addCommand(rebuildCommand());
  program.addCommand(destroyCommand());
  program.addCommand(scheduleCommand());
  program.addCommand(controllerCommand());
  program.addCommand(deployCommand());
  program.addCommand(rollbackCommand());
  program.addCommand(statusCommand());
  program.addCommand(hostsCommand());
  return program;
}

/**
 * Runs the keelson CLI and returns the process exit code. Verbs set `process.exitCode` for outcomes
 * that are not errors (e.g. `plan` exits 2 when there are changes) and throw for failures.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const { code, lines } = describeError(err);
    for (const line of lines) process.stderr.write(`${line}\n`);
    return code;
  }
}
