/** One table of exit codes (src/cli/exit.ts): every verb's bad flag, missing argument and declined prompt. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { EXIT, EXIT_TABLE_END, EXIT_TABLE_START, VERB_EXITS, exitHelp, renderExitTables, type Verb } from '../../src/cli/exit.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { answerPromptsFrom } from '../../src/cli/prompt.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { writeProject } from '../helpers/project.ts';
import { writeCalls } from '../helpers/sim.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const VERBS = Object.keys(VERB_EXITS) as Verb[];
const NO_CREDENTIALS = { VULTR_API_KEY: '', CLOUDFLARE_API_TOKEN: '', VULTR_BASE_URL: '', CLOUDFLARE_BASE_URL: '', NO_COLOR: '1' };

/** For each verb: the words to type and a way to leave out a required argument or an option's value. */
const MISSING: Record<Verb, string[]> = {
  validate: ['validate', '--dir'],
  plan: ['plan', '--out'],
  apply: ['apply', '--force'],
  import: ['import', '--server'],
  demo: ['demo', 'extra-argument'],
  sim: ['sim', '--port'],
  rebuild: ['rebuild'],
  destroy: ['destroy'],
  schedule: ['schedule', '--count'],
  controller: ['controller', '--repo'],
  deploy: ['deploy'],
  rollback: ['rollback'],
  status: ['status', '--only'],
  'hosts trust': ['hosts', 'trust'],
  'lock status': ['lock', 'status', '--dir'],
  'lock release': ['lock', 'release', '--force'],
};

function answer(text: string): void {
  const stream = new PassThrough();
  stream.end(text);
  answerPromptsFrom({ stream, interactive: true });
}
afterEach(() => answerPromptsFrom(undefined));

describe('exit codes: bad usage is 64 for every verb', () => {
  it.each(VERBS)('%s with an unknown flag', async (verb) => {
    // A verb's required options come first: commander reports a missing one before an unknown flag.
    const required: Partial<Record<Verb, string[]>> = { controller: ['--repo', 'file:///nonexistent.git'] };
    const r = await runCli([...verb.split(' '), ...(required[verb] ?? []), '--bogus'], NO_CREDENTIALS);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it.each(VERBS)('%s with a missing argument or option value', async (verb) => {
    const r = await runCli(MISSING[verb], NO_CREDENTIALS);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/missing required argument|argument missing|too many arguments/);
  });

  it('plan --dri (a typo), plan --markdown --json and an unknown verb', async () => {
    const typo = await runCli(['plan', '--dri', '.'], NO_CREDENTIALS);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('Did you mean --dir?');
    const both = await runCli(['plan', '--markdown', '--json'], NO_CREDENTIALS);
    expect(both.code).toBe(64);
    expect(both.stderr).toContain("cannot be used with option '--json'");
    expect((await runCli(['frob'], NO_CREDENTIALS)).code).toBe(64);
    expect((await runCli(['--help'], NO_CREDENTIALS)).code).toBe(0);
    expect((await runCli(['plan', '--help'], NO_CREDENTIALS)).code).toBe(0);
  });
});

describe('exit codes: declined prompts are 3, the environment is 78', () => {
  let sim: Simulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await startSimulator({ speed: 100_000, rateLimits: false });
    env = simEnv(sim);
  });
  afterAll(() => sim.stop());

  it('apply: answering n at the prompt, and no --yes without a terminal, change nothing', async () => {
    const dir = await writeProject({ owner: 'exits', servers: [{ name: 'box' }] });
    answer('n\n');
    const declined = await runCli(['apply', '--dir', dir], env);
    expect(declined.code).toBe(EXIT.declined);
    expect(declined.stderr).toContain('not confirmed: apply cancelled: the answer was not "yes"');
    answerPromptsFrom(undefined);
    const noTerminal = await runCli(['apply', '--dir', dir], env);
    expect(noTerminal.code).toBe(EXIT.declined);
    expect(writeCalls(sim)).toBe(0);
    answer('yes\n');
    expect((await runCli(['apply', '--dir', dir], env)).code).toBe(EXIT.ok);
  });

  it('destroy: without --yes and no terminal, and a wrong name typed at the prompt', async () => {
    const dir = await writeProject({ owner: 'exits-destroy', servers: [{ name: 'box' }] });
    const before = writeCalls(sim);
    const noTerminal = await runCli(['destroy', 'box', '--dir', dir], env);
    expect(noTerminal.code).toBe(EXIT.declined);
    expect(noTerminal.stderr).toContain('destroy needs --yes when stdin is not a terminal');
    answer('n\n');
    const declined = await runCli(['destroy', 'box', '--dir', dir], env);
    expect(declined.code).toBe(EXIT.declined);
    expect(writeCalls(sim)).toBe(before);
    expect((await runCli(['destroy', 'nope', '--yes', '--dir', dir], env)).code).toBe(EXIT.usage);
  });

  it('deploy to Servers against the embedded simulator is refused as an environment problem', async () => {
    const r = await runCli(['deploy', 'api', '--dir', join(ROOT, 'examples', 'two-region-saas')], NO_CREDENTIALS);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toMatch(/\[Deployment\/api\] targets Servers/);
  });
});

describe('the exit code table is the one the help and the README show', () => {
  it('every verb of the CLI has a row, and its --help prints that row', async () => {
    const program = await buildProgram();
    const names = program.commands.flatMap((c) => (c.commands.length ? c.commands.filter((s) => s.name() !== 'help').map((s) => `${c.name()} ${s.name()}`) : [c.name()]));
    expect(names.sort()).toEqual([...VERBS].sort());
    for (const verb of VERBS) {
      const [first, second] = verb.split(' ');
      let cmd = program.commands.find((c) => c.name() === first)!;
      if (second) cmd = cmd.commands.find((c) => c.name() === second)!;
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s) });
      cmd.outputHelp();
      expect(help).toContain(exitHelp(verb).trim());
    }
  });

  it('the README holds the generated tables (npm run docs)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(EXIT_TABLE_START);
    const end = readme.indexOf(EXIT_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + EXIT_TABLE_START.length + 1, end)).toBe(renderExitTables());
  });
});
