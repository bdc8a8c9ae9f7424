/**
 * The CLI entry. Verbs are loaded lazily: `keelson --help` lists every verb from the table below without
 * loading any of them, and `keelson plan …` loads only plan's module (and through it the SDKs and the
 * simulator it needs). A CLI that CI calls many times per job answers in about the time Node starts.
 */
import { Command, Help, Option } from 'commander';
import { describeError, routeUsageErrors } from './exit.ts';

/** Options every verb understands (declared on the root command). */
export interface GlobalOptions {
  logFormat?: 'pretty' | 'json';
}

/** A verb: its line in `keelson --help` (the usage term and the summary) and how to register it. */
export interface Verb {
  name: string;
  term: string;
  summary: string;
  register(program: Command): Promise<unknown>;
}

const verb = (term: string, summary: string, register: Verb['register']): Verb => ({ name: term.split(' ')[0]!, term, summary, register });

/**
 * Every verb, one line each, in `--help` order: `verb(term, summary, register)`. `register` imports the
 * verb's module only when the verb runs (or when the CLI reference is generated). `term` and `summary`
 * must equal what the verb's own command shows (test/cli/startup.test.ts compares them).
 */
export const VERBS: readonly Verb[] = [
  verb('validate [options]', 'check keelson.yaml and every manifest: schema, defaults and cross-references (reads files only)', async (p) => (await import('./validate.ts')).registerValidate(p)),
  verb('plan [options]', 'show what apply would change: observe the providers, diff against the manifests (never writes)', async (p) => p.addCommand((await import('./plan.ts')).planCommand())),
  verb('apply [options] [file]', 'apply a fresh plan, or a saved plan file (refused when the live state moved since it was made)', async (p) => p.addCommand((await import('./apply.ts')).applyCommand())),
  verb('import [options]', 'adopt existing unmanaged servers and records: mark them as yours and write their manifests', async (p) => p.addCommand((await import('./import.ts')).importCommand())),
  verb('demo', 'validate every example, then plan → apply → plan one on the embedded simulator (no cloud account needed)', async (p) => (await import('./demo.ts')).registerDemo(p)),
  verb('sim [options]', 'run the embedded Vultr v2 + Cloudflare v4 simulator on 127.0.0.1', async (p) => p.addCommand((await import('./sim.ts')).simCommand())),
  verb('rebuild [options] <server>', 'rebuild a server from its snapshot: create → wait installed → move DNS → drain → carry bandwidth → destroy old', async (p) => p.addCommand((await import('./rebuild.ts')).rebuildCommand())),
  verb('destroy [options] <server>', "destroy a server: its DNS records, destroy hooks, keelson's snapshots of it, then the instance", async (p) => p.addCommand((await import('./destroy.ts')).destroyCommand())),
  verb('schedule [options]', 'list the next scheduled rebuilds (slot, jitter and window applied) and the concurrency limits', async (p) => p.addCommand((await import('./schedule.ts')).scheduleCommand())),
  verb('controller [options]', 'follow a git branch: reconcile every commit and every drift, run the schedules, serve health and metrics', async (p) => p.addCommand((await import('./controller.ts')).controllerCommand())),
  verb('deploy [options] <name>', 'deploy a Deployment blue/green over SSH: start the new version, wait until healthy, switch nginx, stop the old', async (p) => p.addCommand((await import('./deploy.ts')).deployCommand())),
  verb('rollback [options] <name>', 'switch each host back to its previous version (kept by the last deploy), health-gated', async (p) => p.addCommand((await import('./deploy.ts')).rollbackCommand())),
  verb('status [options] [name]', "show, per host, each Deployment's live version, and each Server's bandwidth this month against its limit (reads only)", async (p) => p.addCommand((await import('./status.ts')).statusCommand())),
  verb('hosts', 'manage the SSH host keys keelson trusts', async (p) => p.addCommand((await import('./hosts.ts')).hostsCommand())),
  verb('lock', 'the repository lock every writing verb takes (a ref in the git remote)', async (p) => p.addCommand((await import('./lock.ts')).lockCommand())),
];

/** Thrown by a verb that is listed but not loaded when it is asked to run: `main` loads it and parses again. */
class VerbNotLoaded extends Error {
  constructor(readonly verb: string) {
    super(`verb ${verb} is not loaded`);
  }
}

/** The usage term `--help` shows for a listed, not loaded verb. */
const listedTerms = new WeakMap<Command, string>();

class VerbHelp extends Help {
  override subcommandTerm(cmd: Command): string {
    return listedTerms.get(cmd) ?? super.subcommandTerm(cmd);
  }
}

class RootCommand extends Command {
  override createHelp(): Help {
    return Object.assign(new VerbHelp(), this.configureHelp());
  }
}

function listed(v: Verb): Command {
  const cmd = new Command(v.name).description(v.summary).helpOption(false).allowUnknownOption().allowExcessArguments().argument('[args...]')
    .action(() => {
      throw new VerbNotLoaded(v.name);
    });
  listedTerms.set(cmd, v.term);
  return cmd;
}

function rootCommand(): Command {
  return new RootCommand('keelson')
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
}

/** The program with the named verbs loaded (`'all'`: every verb); the others are listed for `--help` only. */
export async function buildProgram(load: readonly string[] | 'all' = 'all'): Promise<Command> {
  const program = rootCommand();
  for (const v of VERBS) {
    if (load === 'all' || load.includes(v.name)) await v.register(program);
    else program.addCommand(listed(v));
  }
  return routeUsageErrors(program);
}

/** The verb argv names (`keelson --log-format json plan`, `keelson help plan`), read with the root's options only. */
export function verbNamed(argv: string[]): string | undefined {
  const probe = rootCommand().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  try {
    const [first, second] = probe.parseOptions(argv.slice(2)).operands;
    const name = first === 'help' ? second : first;
    return VERBS.some((v) => v.name === name) ? name : undefined;
  } catch {
    // A bad root option: the real parse below reports it.
    return undefined;
  }
}

/**
 * Runs the keelson CLI and returns the process exit code. Verbs set `process.exitCode` for outcomes
 * that are not errors (e.g. `plan` exits 2 when there are changes) and throw for failures.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    let wanted = verbNamed(argv);
    for (;;) {
      try {
        await (await buildProgram(wanted ? [wanted] : [])).parseAsync(argv);
        break;
      } catch (err) {
        // Only if argv named the verb in a way the probe did not read: load it and parse once more.
        if (!(err instanceof VerbNotLoaded) || err.verb === wanted) throw err;
        wanted = err.verb;
      }
    }
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const { code, lines } = describeError(err);
    for (const line of lines) process.stderr.write(`${line}\n`);
    return code;
  }
}
