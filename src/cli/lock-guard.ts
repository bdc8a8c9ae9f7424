/**
 * The repository lock as the writing verbs use it: `--lock` and `--lock-wait` on every verb that writes
 * to a provider or a host, and `locked(...)`, which takes the lock before the verb runs, hands it the
 * fence, prints what the lock did (waiting, takeovers) and releases it at the end, on failure and on
 * SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LockError, UsageError } from '../errors.ts';
import { resolveRemote } from '../lock/git-remote.ts';
import { acquireLock, describeEvent, type HeldLock } from '../lock/lock.ts';
import { fenceProviders, type Fence } from '../lock/fence.ts';
import type { LockOperation } from '../lock/record.ts';
import { parseDuration } from '../model/duration.ts';
import type { ProjectConfig } from '../model/types.ts';
import { readEndpoints } from '../providers/connect.ts';
import type { Providers } from '../providers/types.ts';
import { scrub } from '../secrets.ts';
import { jsonEventLog, type EventLog } from './log-events.ts';
import { loadOrThrow } from './session.ts';

export interface LockFlags {
  dir: string;
  lock?: 'git' | 'none';
  lockWait?: number;
}

/** What a locked verb gets: the fence to pass to its executor, and providers whose writes are fenced. */
export interface Guard {
  fence: Fence;
  providers(p: Providers): Providers;
  lock?: HeldLock;
}

const unguarded: Guard = { fence: async () => {}, providers: (p) => p };

function durationArg(v: string): number {
  try {
    return v === '0' ? 0 : parseDuration(v);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 30s, 5m or 1h');
  }
}

/** Adds `--lock` and `--lock-wait` to a writing verb. */
export function withLockOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--lock <backend>', 'the repository lock: git (a ref in the git remote; default) or none (no lock, said explicitly)').choices(['git', 'none']))
    .option('--lock-wait <duration>', 'wait this long while another run holds the lock (default: keelson.yaml lock.wait, else fail at once naming the holder)', durationArg);
}

/** `--lock`, else KEELSON_LOCK, else keelson.yaml `lock.backend`. */
export function lockBackend(flags: Pick<LockFlags, 'lock'>, project: ProjectConfig, env: NodeJS.ProcessEnv = process.env): 'git' | 'none' {
  const fromEnv = env.KEELSON_LOCK;
  if (fromEnv !== undefined && fromEnv !== 'git' && fromEnv !== 'none') throw new UsageError(`KEELSON_LOCK must be git or none, not ${JSON.stringify(fromEnv)}`);
  return flags.lock ?? fromEnv ?? project.lock.backend;
}

/** Providers verbs on the embedded simulator need no lock: that world lives and dies with this process. */
function embedded(operation: LockOperation, project: ProjectConfig): boolean {
  return operation !== 'deploy' && operation !== 'rollback' && readEndpoints(project.providers, process.env) === undefined;
}

/**
 * For `plan` (which takes no lock): a line saying that no lock would guard an apply of this repository
 * (lock none, or no git remote), or undefined when one would. Looks only at the local repository.
 */
export async function unguardedNotice(project: ProjectConfig, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (embedded('apply', project)) return undefined;
  if (lockBackend({}, project, env) === 'none') return 'note: the lock is off (lock none): no lock guards applies of this repository against each other';
  try {
    await resolveRemote(project.root, { remote: project.lock.remote, ref: project.lock.ref, timeoutMs: 10_000 });
    return undefined;
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    return `note: no lock guards applies of this repository: ${err.message.replace(/^\[lock\] /, '')}`;
  }
}

/** Takes the lock for `operation` (as the flags and keelson.yaml say) around `run`. */
export async function underLock<T>(operation: LockOperation, flags: LockFlags, run: (guard: Guard) => Promise<T>, events?: EventLog): Promise<T> {
  const { project } = await loadOrThrow(flags.dir);
  if (embedded(operation, project)) return run(unguarded);
  const say = (event: string, fields: Record<string, unknown>, line: string) => (events ? events(event, fields, line) : process.stderr.write(`${scrub(line)}\n`));
  if (lockBackend(flags, project) === 'none') {
    say('lock.none', {}, 'lock: none (said explicitly): nothing keeps another keelson from writing at the same time');
    return run(unguarded);
  }
  const lock = await acquireLock({
    dir: flags.dir, operation, releaseOnSignals: true,
    settings: { remote: project.lock.remote, ref: project.lock.ref, ttlMs: project.lock.ttlMs, renewMs: project.lock.renewMs },
    waitMs: flags.lockWait ?? project.lock.waitMs,
    onEvent: (e) => say(`lock.${e.type}`, { ...e }, describeEvent(e)),
  });
  const guard: Guard = { fence: () => lock.check(), providers: (p) => fenceProviders(p, () => lock.check()), lock };
  try {
    return await run(guard);
  } catch (err) {
    // A step that failed on the fence reads better as the one reason it failed for.
    throw lock.lost ?? err;
  } finally {
    // A failed release was reported through onEvent; it leaves a lock that expires.
    await lock.release();
  }
}

/**
 * Wraps a verb's action: `(…args, opts, cmd)` becomes `(…args, opts, cmd, guard)` under the lock.
 * `when` (optional) decides from the same arguments whether this run writes at all (`import` without
 * a selection only lists).
 */
export function locked<A extends unknown[]>(operation: LockOperation, action: (...args: [...A, Guard]) => Promise<void>, when?: (...args: A) => boolean): (...args: A) => Promise<void> {
  return (...args: A) => {
    if (when && !when(...args)) return action(...args, unguarded);
    const flags = args[args.length - 2] as LockFlags | undefined;
    if (!flags || typeof flags.dir !== 'string') throw new LockError(`[lock] ${operation}: no --dir option to find the repository by`);
    const cmd = args[args.length - 1];
    return underLock(operation, flags, (guard) => action(...args, guard), cmd instanceof Command ? jsonEventLog(cmd) : undefined);
  };
}
