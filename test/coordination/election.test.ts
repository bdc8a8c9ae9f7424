/**
 * Leader election on a real PostgreSQL server started by the test (initdb into a temp folder, pg_ctl on
 * a loopback port). Three electors: exactly one leader; the leader's process SIGKILLed: a new leader
 * after the old lease runs out by the database's clock; PostgreSQL stopped: the leader steps down and
 * nobody leads; started again: exactly one leader. Health votes expire by the database's clock.
 * Timings are shortened for the test; assertions are on counts and states, never on durations.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeaderElection, type LeaderElection } from '../../src/coordination/election.ts';
import { havePostgres, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const T = { leaseMs: 3000, renewMs: 300, giveUpMs: 2000 };
const PASSWORD = 'pg-s3cret-pass';
// Without PostgreSQL the suite fails in CI (startPostgres throws) and is skipped only on a laptop without it.
const run = havePostgres() || process.env.CI === 'true';

async function waitFor(what: string, cond: () => boolean, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Samples `cond` for `ms`: how many samples broke it (0 expected). */
async function breaches(cond: () => boolean, ms: number): Promise<number> {
  let bad = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!cond()) bad += 1;
    await new Promise((r) => setTimeout(r, 50));
  }
  return bad;
}

describe.skipIf(!run)('leader election on PostgreSQL', () => {
  let pg: TestPostgres;
  const errors: string[] = [];
  const electors: LeaderElection[] = [];
  const elect = (name: string, n: number) => {
    const es = Array.from({ length: n }, (_, i) => startLeaderElection({ url: pg.url, name, id: `e${i}`, ...T, onError: (m) => errors.push(m) }));
    electors.push(...es);
    return es;
  };
  const leaders = (es: LeaderElection[]) => es.filter((e) => e.isLeader()).length;

  beforeAll(async () => {
    pg = await startPostgres(PASSWORD);
  }, 600_000);
  afterAll(async () => {
    for (const e of electors) await e.stop();
    pg?.remove();
    // The password is a secret: no error the electors reported carries it.
    expect(errors.filter((m) => m.includes(PASSWORD))).toEqual([]);
  }, 120_000);

  it('three electors: exactly one leader, and it stays the only one', async () => {
    const es = elect('three', 3);
    await waitFor('a leader', () => leaders(es) === 1, 60_000);
    expect(await breaches(() => leaders(es) === 1, 10 * T.renewMs)).toBe(0);
    expect(es.find((e) => e.isLeader())!.epoch()).toBe(1);
  }, 120_000);

  it('the leader SIGKILLed: exactly one new leader once the old lease has run out, with the next epoch', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/elector-child.ts')], {
      env: { ...process.env, KEELSON_HA_URL: pg.url, KEELSON_TEST_HA: JSON.stringify({ ...T, name: 'kill' }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the child to lead', () => /leader 1\n/.test(out), 240_000);
      const es = elect('kill', 2);
      // The child leads; the others stay followers while its lease is renewed.
      expect(await breaches(() => leaders(es) === 0, 2 * T.leaseMs)).toBe(0);
      child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('a new leader', () => leaders(es) === 1, 60_000);
      process.stderr.write(`leadership failover after SIGKILL: ${Date.now() - killedAt} ms (lease ${T.leaseMs} ms + renew ${T.renewMs} ms)\n`);
      expect(es.find((e) => e.isLeader())!.epoch()).toBe(2);
      expect(await breaches(() => leaders(es) === 1, 5 * T.renewMs)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 400_000);

  it('PostgreSQL stopped: the leader steps down and nobody leads; started again: exactly one leader', async () => {
    const es = elect('outage', 3);
    await waitFor('a leader', () => leaders(es) === 1, 60_000);
    const before = es.find((e) => e.isLeader())!.epoch();
    pg.stop();
    await waitFor('the leader to step down', () => leaders(es) === 0, 60_000);
    expect(await breaches(() => leaders(es) === 0, T.leaseMs)).toBe(0);
    pg.start();
    await waitFor('one leader again', () => leaders(es) === 1, 120_000);
    expect(await breaches(() => leaders(es) === 1, 10 * T.renewMs)).toBe(0);
    expect(es.find((e) => e.isLeader())!.epoch()).toBeGreaterThan(before);
  }, 400_000);

  it('health votes: a target is down when most live votes see it down; votes expire by the database clock', async () => {
    const es = Array.from({ length: 3 }, (_, i) => startLeaderElection({ url: pg.url, name: 'votes', id: `v${i}`, ...T, voteTtlMs: 1500 }));
    electors.push(...es);
    await es[0]!.publishVote('web-1', false);
    await es[1]!.publishVote('web-1', true);
    expect(await es[2]!.tally('web-1')).toEqual({ up: 1, down: 1, isDown: false });
    await es[2]!.publishVote('web-1', false);
    expect(await es[0]!.tally('web-1')).toEqual({ up: 1, down: 2, isDown: true });
    await es[1]!.publishVote('web-1', false);
    expect(await es[1]!.tally('web-1')).toEqual({ up: 0, down: 3, isDown: true });
    // Nobody votes again: within the vote ttl (by the database's clock) the votes stop counting.
    let t = await es[1]!.tally('web-1');
    for (let i = 0; i < 600 && t.down > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      t = await es[1]!.tally('web-1');
    }
    expect(t).toEqual({ up: 0, down: 0, isDown: false });
  }, 120_000);
});
