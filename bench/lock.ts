/**
 * The repository lock and leader election, measured: acquire and release of the git lock on a local
 * bare remote (each a few git commands), and how long leadership takes to move on PostgreSQL with the
 * default timings (lease 15 s, renew 2 s) after a clean stop and after a SIGKILL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startLeaderElection, DEFAULT_ELECTION, type LeaderElection } from '../src/coordination/election.ts';
import { acquireLock } from '../src/lock/lock.ts';
import { repoWithRemote } from '../test/helpers/lock-remote.ts';
import { havePostgres, startPostgres } from '../test/helpers/postgres.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchGitLock(rounds = 10): Promise<void> {
  const repo = repoWithRemote();
  try {
    const acquire: number[] = [];
    const release: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      const lock = await acquireLock({ dir: repo.dir, operation: 'apply' });
      acquire.push(performance.now() - t);
      t = performance.now();
      await lock.check();
      check.push(performance.now() - t);
      t = performance.now();
      await lock.release();
      release.push(performance.now() - t);
    }
    process.stdout.write(
      `lock (git, local bare remote): ${rounds} rounds\n` +
        `  acquire  median ${median(acquire).toFixed(0)} ms, max ${Math.max(...acquire).toFixed(0)} ms (ls-remote, fetch, 3 object writes, push)\n` +
        `  check    median ${median(check).toFixed(2)} ms (cached within the renew period)\n` +
        `  release  median ${median(release).toFixed(0)} ms, max ${Math.max(...release).toFixed(0)} ms\n`,
    );
  } finally {
    repo.remove();
  }
}

async function waitLeader(es: LeaderElection[]): Promise<void> {
  while (!es.some((e) => e.isLeader())) await new Promise((r) => setTimeout(r, 20));
}

async function benchFailover(): Promise<void> {
  if (!havePostgres()) {
    process.stdout.write('leadership failover: skipped (no PostgreSQL in /usr/lib/postgresql/15/bin; .ci/run installs it)\n');
    return;
  }
  const pg = await startPostgres();
  const followers: LeaderElection[] = [];
  try {
    const first = startLeaderElection({ url: pg.url, name: 'bench-stop', id: 'first' });
    await waitLeader([first]);
    followers.push(startLeaderElection({ url: pg.url, name: 'bench-stop', id: 'second' }));
    let t = performance.now();
    await first.stop();
    await waitLeader(followers);
    const clean = performance.now() - t;

    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../test/helpers/elector-child.ts')], {
      env: { ...process.env, KEELSON_HA_URL: pg.url, KEELSON_TEST_HA: JSON.stringify({ name: 'bench-kill' }) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('leader')) await new Promise((r) => setTimeout(r, 50));
    const rest = [startLeaderElection({ url: pg.url, name: 'bench-kill', id: 'a' }), startLeaderElection({ url: pg.url, name: 'bench-kill', id: 'b' })];
    followers.push(...rest);
    await new Promise((r) => setTimeout(r, 2 * DEFAULT_ELECTION.renewMs));
    child.kill('SIGKILL');
    t = performance.now();
    await waitLeader(rest);
    const crash = performance.now() - t;
    process.stdout.write(
      `leadership failover (PostgreSQL, lease ${DEFAULT_ELECTION.leaseMs / 1000} s, renew ${DEFAULT_ELECTION.renewMs / 1000} s)\n` +
        `  clean stop (lease given back)  ${(clean / 1000).toFixed(2)} s\n` +
        `  SIGKILLed leader               ${(crash / 1000).toFixed(2)} s (bound: lease + one renew = ${(DEFAULT_ELECTION.leaseMs + DEFAULT_ELECTION.renewMs) / 1000} s)\n`,
    );
  } finally {
    for (const f of followers) await f.stop();
    pg.remove();
  }
}

export async function benchLock(): Promise<void> {
  await benchGitLock();
  await benchFailover();
}
