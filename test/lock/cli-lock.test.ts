/**
 * The lock as the CLI shows it, in-process against a simulator on 127.0.0.1:0: a repository without a
 * remote is refused before any write unless `--lock none` says so; `plan` says no lock guards applies;
 * apply takes and releases the lock; `keelson lock status` / `lock release [--force EPOCH]`; and the
 * fenced providers refuse writes once the fence fails while reads still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockLostError } from '../../src/errors.ts';
import { fenceProviders } from '../../src/lock/fence.ts';
import { acquireLock } from '../../src/lock/lock.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { repoWithRemote } from '../helpers/lock-remote.ts';
import { writeProject, type ProjectDesc } from '../helpers/project.ts';
import { startTestSim, writeCalls, type TestSim } from '../helpers/sim.ts';

const desc: ProjectDesc = { owner: 'clilock', zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'hello', type: 'TXT', value: 'locked' }] }] };

describe('the lock in the CLI', () => {
  let t: TestSim;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startTestSim();
    env = { ...simEnv(t.sim), KEELSON_LOCK: 'git' };
  });
  afterAll(() => t.stop());

  it('no remote: apply is refused before any write, plan says no lock guards applies, --lock none runs', async () => {
    const dir = await writeProject(desc);
    const refused = await runCli(['apply', '--yes', '--dir', dir], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not inside a git repository, so there is no remote to lock: pass --lock none');
    expect(writeCalls(t.sim)).toBe(0);
    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('note: no lock guards applies of this repository');
    const none = await runCli(['apply', '--yes', '--lock', 'none', '--dir', dir], env);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain('lock: none (said explicitly)');
    expect(writeCalls(t.sim)).toBeGreaterThan(0);
  }, 120_000);

  it('with a remote: apply takes and releases the lock; status and release show and free a held one', async () => {
    const dir = await writeProject({ owner: 'clilock2', zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'hello2', type: 'TXT', value: 'locked' }] }] });
    const repo = repoWithRemote(dir);
    try {
      const applied = await runCli(['apply', '--yes', '--dir', dir], env);
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      expect(applied.stderr).toMatch(/lock: acquired \(epoch 1\)[\s\S]*lock: released \(epoch 1\)/);
      const plan = await runCli(['plan', '--dir', dir], env);
      expect(plan.stderr).not.toContain('no lock guards');
      expect((await runCli(['lock', 'status', '--dir', dir], env)).stdout).toMatch(/refs\/keelson\/lock on origin \(.*remote\.git\): free \(epoch 1, released at/);

      const held = await acquireLock({ dir, operation: 'deploy', holder: { user: 'carol', host: 'ops-1', pid: 77 } });
      const status = await runCli(['lock', 'status', '--dir', dir], env);
      expect(status.stdout).toMatch(/held \(epoch 2\)\n {2}holder: {4}carol@ops-1 pid 77\n {2}operation: deploy/);
      const busy = await runCli(['apply', '--yes', '--dir', dir], env);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/is locked by carol@ops-1 pid 77 \(deploy, epoch 2; --lock-wait waits for it\) until/);
      const refused = await runCli(['lock', 'release', '--dir', dir], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('`keelson lock release --force 2` releases it anyway');
      const forced = await runCli(['lock', 'release', '--force', '2', '--dir', dir], env);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toBe('released the lock of carol@ops-1 pid 77 (deploy) (epoch 2)\n');
      await expect(held.check().then(() => held.renew())).rejects.toBeInstanceOf(LockLostError);
    } finally {
      repo.remove();
    }
  }, 120_000);

  it('fenced providers: a failing fence stops every write before it reaches the provider; reads pass', async () => {
    const lost = new LockLostError('refs/keelson/lock on origin (x)', 1, 'taken over by someone');
    const p = fenceProviders(t.conn.providers, () => Promise.reject(lost));
    const before = t.sim.admin.counters();
    await expect(p.compute.deleteServer('nope')).rejects.toBe(lost);
    await expect(p.dns.applyRecordChanges({ provider: 'cloudflare', id: 'z', name: 'example.com', plan: 'free' }, { deletes: [], updates: [], creates: [] })).rejects.toBe(lost);
    expect(t.sim.admin.counters()).toEqual(before);
    expect(Array.isArray(await p.compute.listServers())).toBe(true);
  }, 60_000);
});
