import { CommanderError, type Command } from 'commander';
import {
  ConfigError, DeclinedError, KeelsonError, ManifestError, UnsafePlanError, UsageError, formatLocation, systemReason,
} from '../errors.ts';
import { scrub } from '../secrets.ts';

/**
 * keelson's exit codes, the same for every verb. 64 and 78 follow BSD sysexits (EX_USAGE, EX_CONFIG),
 * so a script can tell "you typed it wrong" and "this environment is not set up" from "it failed".
 */
export const EXIT = { ok: 0, failure: 1, changes: 2, declined: 3, usage: 64, config: 78 } as const;

export type ExitName = keyof typeof EXIT;

/** What each code means, whatever the verb. Rendered into every verb's `--help` and the README. */
export const EXIT_MEANINGS: Record<ExitName, string> = {
  ok: 'success (done, valid, or nothing to do)',
  failure: 'failed: invalid manifests, a provider or remote error, a plan refused as unsafe or stale, a failed step (the reason is printed)',
  changes: '`plan` only: the plan has changes (apply has work to do)',
  declined: 'not confirmed: the prompt was answered with something else, or `--yes` is missing while stdin is not a terminal; nothing was changed',
  usage: 'bad usage: unknown verb or flag, a missing or bad argument or value, conflicting flags, a name the manifests do not declare',
  config: 'environment not set up: a credential, base URL or variable missing or inconsistent, simulator credentials aimed at a real API, or a verb that cannot run against the embedded simulator',
};

/** Every verb (as typed after `keelson`) and, per code it can return, what that code means for it. */
export const VERB_EXITS = {
  validate: { ok: 'valid (warnings allowed)', failure: 'problems found (all of them are printed)', usage: '' },
  plan: { ok: 'no changes', changes: 'changes pending (including a rebuild in progress)', failure: '', usage: '', config: '' },
  apply: { ok: 'applied (or nothing to do)', failure: 'refused or failed (every failed change is named)', declined: '', usage: '', config: '' },
  import: { ok: 'listed, or adopted and written', failure: '', usage: '', config: '' },
  demo: { ok: 'every example valid and the demo converged', failure: '', usage: '' },
  sim: { ok: 'stopped by SIGINT or SIGTERM', failure: '', usage: '' },
  rebuild: { ok: 'rebuilt (or the rebuild in progress finished)', failure: 'refused (a protected server without `--force`) or a step failed (the reason is printed)', usage: '', config: '' },
  destroy: { ok: 'destroyed (or already gone)', failure: 'refused or a step failed', declined: '', usage: '', config: '' },
  schedule: { ok: 'listed', failure: '', usage: '' },
  controller: { ok: 'stopped by SIGTERM or SIGINT after running steps reached a safe point', failure: 'could not start: the repository could not be cloned, the listen address is taken, or a setting is missing', usage: '', config: '' },
  deploy: { ok: 'every host succeeded', failure: 'a host failed (the rest were left on their version), a lock is held, or the manifests are invalid', usage: '', config: '' },
  rollback: { ok: 'every host rolled back', failure: 'as `deploy`', usage: '', config: '' },
  status: { ok: 'everything could be read', failure: 'a host or provider could not be read, or the manifests are invalid', usage: '', config: '' },
  'hosts trust': { ok: 'every host trusted', failure: 'a host was unreachable, or its key changed (without `--replace`)', usage: '', config: '' },
  'lock status': { ok: 'read: the lock is free, held or expired (printed)', failure: 'the remote could not be read, or its lock ref is not a keelson lock', usage: '' },
  'lock release': { ok: 'released (or already free)', failure: 'the lock is held and not expired (without `--force EPOCH`), or the remote refused the push', usage: '' },
} as const satisfies Record<string, Partial<Record<ExitName, string>>>;

export type Verb = keyof typeof VERB_EXITS;

function codesOf(verb: Verb): [ExitName, string][] {
  const own: Partial<Record<ExitName, string>> = VERB_EXITS[verb];
  return (Object.keys(EXIT) as ExitName[]).filter((n) => n in own).map((n) => [n, own[n] || EXIT_MEANINGS[n]]);
}

/** The "Exit codes:" paragraph of a verb's `--help`. */
export function exitHelp(verb: Verb): string {
  return `\nExit codes:\n${codesOf(verb).map(([n, m]) => `  ${String(EXIT[n]).padStart(2)}  ${m}`).join('\n')}`;
}

export const EXIT_TABLE_START = '<!-- exit-codes:start -->';
export const EXIT_TABLE_END = '<!-- exit-codes:end -->';

/** The README's exit code tables, generated from this module (`npm run docs`). */
export function renderExitTables(): string {
  const codes = (Object.keys(EXIT) as ExitName[]).map((n) => `| ${EXIT[n]} | ${EXIT_MEANINGS[n]} |`);
  const verbs = (Object.keys(VERB_EXITS) as Verb[]).map((v) => `| \`keelson ${v}\` | ${codesOf(v).map(([n, m]) => `**${EXIT[n]}** ${m === EXIT_MEANINGS[n] ? n : m}`).join('; ')} |`);
  return ['| Exit code | Meaning |', '| --- | --- |', ...codes, '', '| Verb | Exit codes |', '| --- | --- |', ...verbs, ''].join('\n');
}

/**
 * Commander does not pass `exitOverride` and the error hint on to commands added with `addCommand`;
 * without them a bad flag on a verb exits 1 from inside commander. Call once on the finished program.
 */
export function routeUsageErrors(cmd: Command): Command {
  cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of cmd.commands) routeUsageErrors(sub);
  return cmd;
}

/**
 * The one place that maps an error to an exit code and to what a human reads. Every message passes
 * through `scrub`, so a credential never reaches the terminal even if a provider echoes it back.
 */
export function describeError(err: unknown): { code: number; lines: string[] } {
  if (err instanceof CommanderError) return { code: err.exitCode === 0 ? EXIT.ok : EXIT.usage, lines: [] };
  if (err instanceof ManifestError) {
    return { code: EXIT.failure, lines: err.problems.map((p) => scrub(`${formatLocation(p)}: ${p.message}`)) };
  }
  if (err instanceof UsageError) return { code: EXIT.usage, lines: [scrub(`error: ${err.message}`)] };
  if (err instanceof DeclinedError) return { code: EXIT.declined, lines: [scrub(`not confirmed: ${err.message}`)] };
  if (err instanceof ConfigError) return { code: EXIT.config, lines: [scrub(`error: ${err.message}`)] };
  if (err instanceof UnsafePlanError) return { code: EXIT.failure, lines: err.reasons.map((r) => scrub(`refused: ${r}`)) };
  if (err instanceof KeelsonError) {
    return { code: EXIT.failure, lines: [scrub(`error: ${err.message}`)] };
  }
  // A system error that escaped classification still reads as one line: the cause is outside keelson.
  if (systemReason(err)) return { code: EXIT.failure, lines: [scrub(`error: ${(err as Error).message}`)] };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: EXIT.failure, lines: [scrub(`internal error: ${e.stack ?? e.message}`)] };
}
