/**
 * The per-host deploy lock: a directory made atomically on the host, holding the holder and an expiry
 * judged by the host's clock. Released on failure too; a lock past its expiry is taken over, and the
 * takeover is reported.
 */
import { LockHeldError } from '../errors.ts';
import { mustExec, resourceOf, step, type HostRun } from './host-run.ts';
import { lockScript, refreshLockScript, unlockScript } from './remote-scripts.ts';

export type LockOutcome =
  | { kind: 'acquired' }
  | { kind: 'took-over'; previousHolder: string; expiredAt: Date }
  | { kind: 'held'; holder: string; expiresAt: Date };

/** Reads lockScript's output. Pure. */
export function parseLockOutput(stdout: string): LockOutcome {
  const lines = stdout.trim().split('\n');
  const field = (k: string): string => lines.find((l) => l.startsWith(`${k}=`))?.slice(k.length + 1) ?? '';
  const holder = field('holder') || 'an unknown keelson run';
  const expires = new Date(Number(field('expires') || 0) * 1000);
  switch (lines[0]) {
    case 'acquired':
      return { kind: 'acquired' };
    case 'took-over':
      return { kind: 'took-over', previousHolder: holder, expiredAt: expires };
    default:
      return { kind: 'held', holder, expiresAt: expires };
  }
}

/**
 * Takes the host's lock for this deployment, or throws LockHeldError naming the holder. Taking over a
 * stale lock is reported through `run.report`. `then` runs under the lock in the same round trip;
 * its output is returned.
 */
export async function acquireHostLock(run: HostRun, then = ''): Promise<{ outcome: LockOutcome; output: string }> {
  return step(run, 'lock', 'taking the deploy lock', async () => {
    const app = run.doc.metadata.name;
    const ttl = Math.max(1, Math.ceil(run.doc.spec.strategy.lockTtl / 1000));
    const stdout = (await mustExec(run, 'lock', lockScript(app, run.holder, ttl, then))).stdout;
    const at = stdout.indexOf('@@locked\n');
    const out = parseLockOutput(at >= 0 ? stdout.slice(0, at) : stdout);
    if (out.kind === 'held') throw new LockHeldError(`[${resourceOf(run.doc)}] host ${run.remote.name} deploy lock`, out.holder, out.expiresAt);
    if (out.kind === 'took-over') {
      run.report({ host: run.remote.name, step: 'lock', message: `took over a stale lock held by ${out.previousHolder} (expired at ${out.expiredAt.toISOString()})` });
    }
    return { outcome: out, output: at >= 0 ? stdout.slice(at + '@@locked\n'.length) : '' };
  });
}

/** Releases the lock if this run still holds it. Never throws: a failed release leaves a lock that expires. */
export async function releaseHostLock(run: HostRun): Promise<void> {
  try {
    await run.remote.exec(unlockScript(run.doc.metadata.name, run.holder), { timeoutMs: 10_000 });
  } catch {
    run.report({ host: run.remote.name, step: 'unlock', message: 'could not release the deploy lock; it expires on its own' });
  }
}

/**
 * Keeps the host lock while a deploy runs: refreshes its expiry at once and then every third of the
 * TTL, in the second session shell, beside whatever step runs (never queued behind it).
 * After `stop` nothing is reported; a refresh still in flight finds the lock released and does nothing.
 */
export function keepHostLock(run: HostRun): { stop(): void } {
  const ttlMs = run.doc.spec.strategy.lockTtl;
  const ttl = Math.max(1, Math.ceil(ttlMs / 1000));
  const script = refreshLockScript(run.doc.metadata.name, run.holder, ttl);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const refresh = (): void => {
    // The default command timeout: the first refresh also waits for its session shell's start (a
    // ~/.bashrc), and a shorter timeout would drop that shell and start another, over and over.
    void run.remote.exec(script, { beside: true }).then((r) => {
      if (!stopped && r.stdout.trim() === 'lost') run.report({ host: run.remote.name, step: 'lock', message: 'the deploy lock was taken over while this deploy ran' });
    }, () => {
      if (!stopped) run.report({ host: run.remote.name, step: 'lock', message: 'could not refresh the deploy lock; retrying' });
    }).finally(() => {
      if (!stopped) timer = setTimeout(refresh, Math.max(1000, Math.floor(ttlMs / 3)));
    });
  };
  // The first refresh right away opens the second session shell now, while the lock is fresh (a
  // ~/.bashrc can take seconds on a busy host), not when the lock is a third of its TTL old.
  refresh();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
