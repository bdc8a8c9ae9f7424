/**
 * The repository lock against a real bare git remote in a temp folder: acquisition by compare-and-swap,
 * holders named, waiting, takeover of an expired lock, fencing, garbage refs, release, bad remotes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LockError, LockHeldError, LockLostError } from '../../src/errors.ts';
import { lockStatus, releaseLock } from '../../src/lock/admin.ts';
import { redactUrl } from '../../src/lock/git-remote.ts';
import { acquireLock, describeEvent, type LockEvent } from '../../src/lock/lock.ts';
import type { LockHolder } from '../../src/lock/record.ts';
import { repoWithRemote, type RepoWithRemote } from '../helpers/lock-remote.ts';

const alice: LockHolder = { user: 'alice', host: 'laptop', pid: 101 };
const bob: LockHolder = { user: 'bob', host: 'ci-7', pid: 202, ci: 'https://github.com/acme/infra/actions/runs/9' };
let repos: RepoWithRemote[] = [];
const repo = () => {
  const r = repoWithRemote();
  repos.push(r);
  return r;
};
afterEach(() => {
  for (const r of repos) r.remove();
  repos = [];
});

describe('repository lock', () => {
  it('is taken by one run at a time; the second is told who holds it; a release frees it with the epoch counting on', async () => {
    const r = repo();
    const a = await acquireLock({ dir: r.dir, operation: 'apply', holder: alice });
    expect(a.epoch).toBe(1);
    const err = await acquireLock({ dir: r.dir, operation: 'destroy', holder: bob }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toContain('alice@laptop pid 101 (apply, epoch 1');
    const st = await lockStatus(r.dir);
    expect(st.state.kind === 'lock' && st.state.record.state).toBe('held');
    expect(await a.release()).toEqual({ released: true });
    const b = await acquireLock({ dir: r.dir, operation: 'destroy', holder: bob });
    expect(b.epoch).toBe(2);
    await b.check();
    await b.release();
    // The remote keeps one parentless commit: old lock commits are not history.
    expect(r.git('--git-dir', r.bare, 'rev-list', '--count', 'refs/keelson/lock').trim()).toBe('1');
  });

  it('of many racing acquisitions exactly one wins; the others see it held', async () => {
    const r = repo();
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => acquireLock({ dir: r.dir, operation: 'apply', holder: { ...alice, pid: 1000 + i } })));
    const won = results.filter((x) => x.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const x of results) if (x.status === 'rejected') expect(x.reason).toBeInstanceOf(LockHeldError);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
  });

  it('a waiter gets the lock once the holder releases it', async () => {
    const r = repo();
    const a = await acquireLock({ dir: r.dir, operation: 'apply', holder: alice });
    const events: LockEvent[] = [];
    const waiting = acquireLock({ dir: r.dir, operation: 'apply', holder: bob, waitMs: 60_000, pollMs: 50, onEvent: (e) => events.push(e) });
    while (!events.some((e) => e.type === 'waiting')) await new Promise((res) => setTimeout(res, 20));
    await a.release();
    const b = await waiting;
    expect(b.epoch).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['waiting', 'acquired']);
    await b.release();
  });

  it('an expired lock is taken over through the same swap, saying whose and how stale; the old holder is fenced', async () => {
    const r = repo();
    let clock = Date.now();
    const a = await acquireLock({ dir: r.dir, operation: 'apply', holder: alice, settings: { ttlMs: 60_000, renewMs: 20_000 } });
    clock += 90_000; // bob's clock: alice's lock ran out 30 s ago
    const events: LockEvent[] = [];
    const b = await acquireLock({ dir: r.dir, operation: 'apply', holder: bob, now: () => clock, onEvent: (e) => events.push(e) });
    const took = events.find((e) => e.type === 'took-over');
    expect(took && describeEvent(took)).toMatch(/took over the expired lock of alice@laptop pid 101 \(apply, epoch 1\), stale for \d+\.\ds/);
    expect(took?.type === 'took-over' && took.staleMs).toBeGreaterThan(0);
    expect(b.epoch).toBe(2);
    // alice's next check within its cache window trusts the cache; a renewal finds the swap refused.
    await expect(a.renew()).rejects.toBeInstanceOf(LockLostError);
    await expect(a.check()).rejects.toThrow(/taken over by bob@ci-7 pid 202 .*epoch 2/);
    expect((await a.release()).released).toBe(false);
    const st = await lockStatus(r.dir);
    expect(st.state.kind === 'lock' && st.state.record.holder.user).toBe('bob');
    await b.release();
  });

  it('check() goes to the remote after its window and sees the ref overwritten', async () => {
    const r = repo();
    const a = await acquireLock({ dir: r.dir, operation: 'rebuild', holder: alice, settings: { ttlMs: 30_000, renewMs: 300 } });
    // Someone overwrites the ref by hand (a plain forced push, no compare-and-swap).
    r.git('commit', '-q', '--allow-empty', '-m', 'overwritten');
    r.git('push', '-q', '-f', 'origin', 'HEAD:refs/keelson/lock');
    // The renewal timer or the next check past the window finds the ref moved.
    let lost: unknown;
    for (let i = 0; i < 200 && !lost; i++) {
      await new Promise((res) => setTimeout(res, 25));
      lost = await a.check().then(() => undefined, (e: unknown) => e);
    }
    expect(lost).toBeInstanceOf(LockLostError);
  });

  it('a ref holding garbage is reported, not overwritten, until released by its commit id', async () => {
    const r = repo();
    r.git('commit', '-q', '--allow-empty', '-m', 'not a lock');
    r.git('push', '-q', 'origin', 'HEAD:refs/keelson/lock');
    const sha = r.git('rev-parse', 'HEAD').trim();
    const err = await acquireLock({ dir: r.dir, operation: 'apply', holder: alice }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toContain(`points at ${sha.slice(0, 12)}, which is not a keelson lock (its commit has no lock.json); not overwritten`);
    expect(r.git('ls-remote', 'origin', 'refs/keelson/lock')).toContain(sha);
    await expect(releaseLock(r.dir, { force: '1' })).rejects.toThrow(/not a keelson lock/);
    expect((await releaseLock(r.dir, { force: sha.slice(0, 12) })).kind).toBe('released');
    const a = await acquireLock({ dir: r.dir, operation: 'apply', holder: alice });
    expect(a.epoch).toBe(1);
    await a.release();
  });

  it('release without --force refuses a live lock naming it, and with the wrong epoch changes nothing', async () => {
    const r = repo();
    const a = await acquireLock({ dir: r.dir, operation: 'deploy', holder: bob });
    await expect(releaseLock(r.dir)).rejects.toThrow(/bob@ci-7 pid 202 \(https:\/\/github.com\/acme\/infra\/actions\/runs\/9\) \(deploy, epoch 1; `keelson lock release --force 1`/);
    await expect(releaseLock(r.dir, { force: '7' })).rejects.toThrow(/at epoch 1, not 7: nothing released/);
    expect((await releaseLock(r.dir, { force: '1' })).kind).toBe('released');
    expect((await a.release()).released).toBe(false);
  });

  it('no repository, no remote, an unreachable remote: clear errors, and the URL credentials never shown', async () => {
    const r = repo();
    r.git('remote', 'remove', 'origin');
    await expect(acquireLock({ dir: r.dir, operation: 'apply' })).rejects.toThrow(/has no remote named origin: .*--lock none/);
    r.git('remote', 'add', 'origin', 'https://user:s3cr3t-t0ken@127.0.0.1:1/acme/infra.git');
    const err = await acquireLock({ dir: r.dir, operation: 'apply', gitTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toMatch(/remote origin \(https:\/\/\*\*\*@127\.0\.0\.1:1\/acme\/infra\.git\) unreachable/);
    expect((err as Error).message).not.toContain('s3cr3t');
    expect(redactUrl('fatal: https://x:y@h/z and ssh://git@h/z')).toBe('fatal: https://***@h/z and ssh://***@h/z');
  });
});
