/**
 * `keelson lock status` and `keelson lock release` without holding the lock: read it, and give it back
 * on someone else's behalf. A release is the same compare-and-swap as an acquisition, so it never
 * undoes a lock taken after the one the user looked at.
 */
import { LockError, LockHeldError } from '../errors.ts';
import { readLock, resolveRemote, swapLock, type LockRemote, type RefState } from './git-remote.ts';
import { garbageError, lockName, lockSettings, type LockSettings } from './lock.ts';
import { currentHolder, describeHolder, releasedRecord, staleForMs } from './record.ts';

export interface LockStatus {
  name: string;
  remote: LockRemote;
  state: RefState;
}

export async function lockStatus(dir: string, settings: Partial<LockSettings> = {}, gitTimeoutMs = 20_000): Promise<LockStatus> {
  const s = lockSettings(settings);
  const remote = await resolveRemote(dir, { remote: s.remote, ref: s.ref, timeoutMs: gitTimeoutMs });
  return { name: lockName(remote), remote, state: await readLock(remote) };
}

export type ReleaseOutcome = { kind: 'released'; epoch: number; was: string } | { kind: 'already-free'; epoch: number };

/**
 * Releases the lock. Without `force` only a lock that has expired (or is already free); with `force`
 * (the epoch `lock status` shows, or the commit id of a ref holding garbage) the lock with exactly that
 * epoch or commit, held or not. Throws LockHeldError / LockError naming what is there otherwise.
 */
export async function releaseLock(dir: string, opts: { settings?: Partial<LockSettings>; force?: string; now?: number; gitTimeoutMs?: number } = {}): Promise<ReleaseOutcome> {
  const st = await lockStatus(dir, opts.settings, opts.gitTimeoutMs);
  const { state, remote } = st;
  const now = opts.now ?? Date.now();
  if (state.kind === 'absent') return { kind: 'already-free', epoch: 0 };
  if (state.kind === 'garbage') {
    if (!opts.force || !state.sha.startsWith(opts.force.toLowerCase()) || opts.force.length < 7) throw garbageError(remote, state.sha, state.why);
    const res = await swapLock(remote, state.sha, releasedRecord({ epoch: 0, operation: 'release', holder: currentHolder() }, now));
    if (!res.ok) throw new LockError(`[lock] ${st.name} changed while releasing it; look again with \`keelson lock status\``);
    return { kind: 'released', epoch: 0, was: `garbage at ${state.sha.slice(0, 12)}` };
  }
  const r = state.record;
  if (r.state === 'released') return { kind: 'already-free', epoch: r.epoch };
  if (opts.force !== undefined) {
    if (opts.force !== String(r.epoch)) throw new LockError(`[lock] ${st.name} is at epoch ${r.epoch}, not ${opts.force}: nothing released (check \`keelson lock status\`)`);
  } else if (staleForMs(r, now) < 0) {
    throw new LockHeldError(st.name, `${describeHolder(r.holder)} (${r.operation}, epoch ${r.epoch}; \`keelson lock release --force ${r.epoch}\` releases it anyway)`, new Date(r.expiresAt));
  }
  const res = await swapLock(remote, state.sha, releasedRecord(r, now));
  if (!res.ok) throw new LockError(`[lock] ${st.name} changed while releasing it; look again with \`keelson lock status\``);
  return { kind: 'released', epoch: r.epoch, was: `${describeHolder(r.holder)} (${r.operation})` };
}
