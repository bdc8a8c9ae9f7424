/**
 * The repository lock: one writer at a time per repository, held in a ref of the repository's git
 * remote. `acquireLock` takes it (waiting up to `waitMs` for a holder, taking over an expired lock only
 * through the same compare-and-swap); the returned HeldLock renews itself, fences (`check()` before
 * every write) and releases. Used by every verb that writes to a provider or a host, and by the controller.
 */
import { LockError, LockHeldError, LockLostError } from '../errors.ts';
import { readLock, resolveRemote, swapLock, remoteSha, type LockRemote } from './git-remote.ts';
import {
  currentHolder, describeHolder, formatSpan, heldRecord, releasedRecord, renewedRecord, staleForMs,
  type LockHolder, type LockOperation, type LockRecord,
} from './record.ts';

export interface LockSettings {
  /** The git remote holding the lock (default `origin`). */
  remote: string;
  ref: string;
  /** How long a lock lives without renewal: what a crashed holder costs the next run. */
  ttlMs: number;
  /** Renewal period; also how long `check()` trusts its last confirmation. At most ttl/2. */
  renewMs: number;
}

export const DEFAULT_LOCK_SETTINGS: LockSettings = { remote: 'origin', ref: 'refs/keelson/lock', ttlMs: 120_000, renewMs: 30_000 };

export type LockEvent =
  | { type: 'waiting'; holder: string; operation: LockOperation; epoch: number; expiresAt: string }
  | { type: 'acquired'; epoch: number }
  | { type: 'took-over'; previous: string; operation: LockOperation; epoch: number; staleMs: number }
  | { type: 'renew-failed'; error: string }
  | { type: 'lost'; error: string }
  | { type: 'released'; epoch: number }
  | { type: 'release-failed'; error: string };

export interface AcquireOptions {
  /** Any folder inside the repository (`--dir`). */
  dir: string;
  operation: LockOperation;
  settings?: Partial<LockSettings>;
  /** How long to wait for another holder to finish (`--lock-wait`); 0: fail at once naming it. */
  waitMs?: number;
  /** Between looks at a held lock while waiting (jittered). Default 1 s. */
  pollMs?: number;
  /** Per git command; an unreachable remote fails within it. Default 20 s. */
  gitTimeoutMs?: number;
  holder?: LockHolder;
  /** Wall clock for the times recorded in the lock (default Date.now). */
  now?: () => number;
  onEvent?: (e: LockEvent) => void;
  /** Release and exit on SIGINT/SIGTERM (the CLI; the controller handles its own signals). */
  releaseOnSignals?: boolean;
}

/** A lock this process holds. Every method is safe to call at any time, in any order. */
export interface HeldLock {
  readonly epoch: number;
  /** `refs/keelson/lock on origin (URL)`, credentials hidden. */
  readonly name: string;
  /** Fencing: resolves while the lock is still this run's; throws LockLostError otherwise. Cheap (cached). */
  check(): Promise<void>;
  renew(): Promise<void>;
  /** Gives the lock back (never throws; a failed release leaves a lock that expires). */
  release(): Promise<{ released: boolean; error?: string }>;
  /** Set once the lock was found taken over. */
  readonly lost: LockLostError | undefined;
}

const mono = (): number => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Fills in and checks lock settings (renewal must leave room for one missed renewal before the expiry). */
export function lockSettings(given: Partial<LockSettings> = {}): LockSettings {
  const ttlMs = given.ttlMs ?? DEFAULT_LOCK_SETTINGS.ttlMs;
  const renewMs = given.renewMs ?? (given.ttlMs ? Math.floor(ttlMs / 4) : DEFAULT_LOCK_SETTINGS.renewMs);
  if (renewMs * 2 > ttlMs) throw new LockError(`[lock] renew (${renewMs} ms) must be at most half the ttl (${ttlMs} ms)`);
  return { ...DEFAULT_LOCK_SETTINGS, ...given, ttlMs, renewMs };
}

export function lockName(r: LockRemote): string {
  return `${r.ref} on ${r.remote} (${r.displayUrl})`;
}

/** The LockError for a lock ref that holds something else; it is reported, never overwritten here. */
export function garbageError(r: LockRemote, sha: string, why: string): LockError {
  return new LockError(`[lock] ${lockName(r)} points at ${sha.slice(0, 12)}, which is not a keelson lock (${why}); not overwritten: inspect it, then \`keelson lock release --force ${sha.slice(0, 12)}\` replaces it`);
}

/**
 * Takes the lock, waiting up to `waitMs` while another run holds it. Throws LockHeldError naming the
 * holder when the wait runs out, LockError when the remote is missing or unreachable or the ref holds
 * garbage. Nothing is written to the remote unless the lock is free, released or expired.
 */
export async function acquireLock(opts: AcquireOptions): Promise<HeldLock> {
  const settings = lockSettings(opts.settings);
  const timeoutMs = opts.gitTimeoutMs ?? 20_000;
  const remote = await resolveRemote(opts.dir, { remote: settings.remote, ref: settings.ref, timeoutMs });
  const now = opts.now ?? Date.now;
  const holder = opts.holder ?? currentHolder();
  const emit = opts.onEvent ?? (() => {});
  const deadline = mono() + (opts.waitMs ?? 0);
  const pollMs = opts.pollMs ?? 1000;
  let announced = -1;
  for (;;) {
    const state = await readLock(remote);
    if (state.kind === 'garbage') throw garbageError(remote, state.sha, state.why);
    let previous: LockRecord | undefined;
    let staleMs = 0;
    if (state.kind === 'lock' && state.record.state === 'held') {
      staleMs = staleForMs(state.record, now());
      if (staleMs < 0) {
        const r = state.record;
        if (mono() >= deadline) {
          throw new LockHeldError(lockName(remote), `${describeHolder(r.holder)} (${r.operation}, epoch ${r.epoch}; --lock-wait waits for it)`, new Date(r.expiresAt));
        }
        if (announced !== r.epoch) {
          announced = r.epoch;
          emit({ type: 'waiting', holder: describeHolder(r.holder), operation: r.operation, epoch: r.epoch, expiresAt: r.expiresAt });
        }
        // Look again after a jittered poll, or just after the expiry if that comes first.
        await sleep(Math.max(10, Math.min(pollMs * (0.5 + Math.random()), -staleMs + 20, deadline - mono())));
        continue;
      }
      previous = state.record;
    }
    const epoch = state.kind === 'lock' ? state.record.epoch + 1 : 1;
    const record = heldRecord({ epoch, operation: opts.operation, holder, now: now(), ttlMs: settings.ttlMs });
    const madeAt = mono();
    const res = await swapLock(remote, state.kind === 'absent' ? undefined : state.sha, record);
    // Lost the race to another run: read again (it may hold the lock now, or have released it already).
    if (!res.ok) continue;
    if (previous) emit({ type: 'took-over', previous: describeHolder(previous.holder), operation: previous.operation, epoch: previous.epoch, staleMs });
    emit({ type: 'acquired', epoch });
    return holdLock({ remote, settings, record, sha: res.sha, madeAt, now, emit, releaseOnSignals: opts.releaseOnSignals === true });
  }
}

interface HoldState {
  remote: LockRemote;
  settings: LockSettings;
  record: LockRecord;
  sha: string;
  /** Monotonic time the record's expiry was computed from. */
  madeAt: number;
  now: () => number;
  emit: (e: LockEvent) => void;
  releaseOnSignals: boolean;
}

function holdLock(s: HoldState): HeldLock {
  const { remote, settings, emit } = s;
  const name = lockName(remote);
  let { record, sha } = s;
  let expiresMono = s.madeAt + settings.ttlMs;
  let confirmedAt = mono();
  let lost: LockLostError | undefined;
  let released = false;
  // Remote operations one at a time: two renewals racing would each swap from the same sha, and the
  // second would read its own first as a takeover.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };

  const loseTo = async (now: string | undefined): Promise<never> => {
    let who = 'the ref was removed';
    if (now) {
      const st = await readLock(remote).catch(() => undefined);
      who = st?.kind === 'lock'
        ? st.record.state === 'held' ? `taken over by ${describeHolder(st.record.holder)} (epoch ${st.record.epoch})` : `released by someone else (epoch ${st.record.epoch})`
        : `the ref now points at ${now.slice(0, 12)}`;
    }
    lost ??= new LockLostError(name, record.epoch, who);
    emit({ type: 'lost', error: lost.message });
    stop();
    throw lost;
  };

  const doRenew = async (): Promise<void> => {
    if (lost) throw lost;
    if (released) throw new LockLostError(name, record.epoch, 'it was released');
    const next = renewedRecord(record, s.now(), settings.ttlMs);
    const madeAt = mono();
    const res = await swapLock(remote, sha, next);
    if (!res.ok) return loseTo(res.now);
    record = next;
    sha = res.sha;
    expiresMono = madeAt + settings.ttlMs;
    confirmedAt = mono();
  };

  const timer = setInterval(() => {
    void serial(doRenew).catch((err: unknown) => {
      if (!(err instanceof LockLostError)) emit({ type: 'renew-failed', error: err instanceof Error ? err.message : String(err) });
    });
  }, settings.renewMs);
  // The renewal never keeps a finished process alive; release clears it.
  timer.unref();

  const onSignal = (signal: NodeJS.Signals) => {
    void release().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (s.releaseOnSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  function stop(): void {
    clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const check = async (): Promise<void> => {
    if (lost) throw lost;
    if (released) throw new LockLostError(name, record.epoch, 'it was released');
    const margin = settings.renewMs;
    if (mono() - confirmedAt < settings.renewMs && mono() < expiresMono - margin) return;
    return serial(async () => {
      if (lost) throw lost;
      if (mono() >= expiresMono - margin) return doRenew();
      try {
        const cur = await remoteSha(remote);
        if (cur !== sha) return loseTo(cur);
        confirmedAt = mono();
      } catch (err) {
        // Nobody may take an unexpired lock over: an unreachable remote before the expiry is no reason to stop.
        if (err instanceof LockLostError || mono() >= expiresMono - margin) throw err;
      }
    });
  };

  const release = (): Promise<{ released: boolean; error?: string }> => {
    stop();
    if (lost || released) return Promise.resolve({ released: false, ...(lost && { error: lost.message }) });
    released = true;
    return serial(async () => {
      try {
        const res = await swapLock(remote, sha, releasedRecord(record, s.now()));
        if (!res.ok) return { released: false, error: 'it had been taken over already' };
        emit({ type: 'released', epoch: record.epoch });
        return { released: true };
      } catch (err) {
        const error = `${err instanceof Error ? err.message : String(err)}; it expires at ${record.expiresAt}`;
        emit({ type: 'release-failed', error });
        return { released: false, error };
      }
    });
  };

  return {
    get epoch() {
      return record.epoch;
    },
    name,
    check,
    renew: () => serial(doRenew),
    release,
    get lost() {
      return lost;
    },
  };
}

/** `took over the lock of alice@ci-3 pid 77 (apply, epoch 4), stale for 12.0s`. */
export function describeEvent(e: LockEvent): string {
  switch (e.type) {
    case 'waiting': return `lock: held by ${e.holder} (${e.operation}, epoch ${e.epoch}) until ${e.expiresAt}; waiting`;
    case 'acquired': return `lock: acquired (epoch ${e.epoch})`;
    case 'took-over': return `lock: took over the expired lock of ${e.previous} (${e.operation}, epoch ${e.epoch}), stale for ${formatSpan(e.staleMs)}`;
    case 'renew-failed': return `lock: renewal failed (will retry): ${e.error}`;
    case 'lost': return `lock: ${e.error}`;
    case 'released': return `lock: released (epoch ${e.epoch})`;
    case 'release-failed': return `lock: not released: ${e.error}`;
  }
}
