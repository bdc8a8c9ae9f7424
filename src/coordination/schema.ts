/**
 * The coordination tables in PostgreSQL: one lease row per election, and the health votes of the
 * controllers. Every time in them is the database's `now()`: controllers' clocks are never compared.
 */
import type { Client } from 'pg';

export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS keelson_lease (
    name text PRIMARY KEY,
    holder text NOT NULL,
    epoch bigint NOT NULL,
    acquired_at timestamptz NOT NULL,
    renewed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS keelson_vote (
    election text NOT NULL,
    target text NOT NULL,
    voter text NOT NULL,
    healthy boolean NOT NULL,
    epoch bigint NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (election, target, voter)
  )`,
];

/** Creates the tables if missing. Several controllers starting at once may race on it: that is fine. */
export async function ensureTables(client: Client): Promise<void> {
  for (const sql of CREATE_TABLES) {
    try {
      await client.query(sql);
    } catch (err) {
      // 42P07 duplicate_table, 23505 unique_violation (pg_type): another controller created it first.
      const code = (err as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw err;
    }
  }
}

/**
 * Takes the lease if it is free or expired by the database's clock, with the epoch one higher than
 * the last; returns the new epoch, or undefined while another holder's lease runs.
 */
export const TAKE_LEASE = `
  INSERT INTO keelson_lease (name, holder, epoch, acquired_at, renewed_at, expires_at)
  VALUES ($1, $2, 1, now(), now(), now() + $3 * interval '1 millisecond')
  ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, epoch = keelson_lease.epoch + 1,
    acquired_at = now(), renewed_at = now(), expires_at = EXCLUDED.expires_at
  WHERE keelson_lease.expires_at <= now()
  RETURNING epoch`;

/** Renews the lease only while it is still this holder's at this epoch (and not expired). */
export const RENEW_LEASE = `
  UPDATE keelson_lease SET renewed_at = now(), expires_at = now() + $4 * interval '1 millisecond'
  WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > now()
  RETURNING epoch`;

/** Gives the lease back at once (a clean stop), so the next leader need not wait out the lease. */
export const RELEASE_LEASE = `UPDATE keelson_lease SET expires_at = now() WHERE name = $1 AND holder = $2 AND epoch = $3`;

export const PUBLISH_VOTE = `
  INSERT INTO keelson_vote (election, target, voter, healthy, epoch, expires_at)
  VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 millisecond')
  ON CONFLICT (election, target, voter) DO UPDATE SET healthy = EXCLUDED.healthy, epoch = EXCLUDED.epoch, expires_at = EXCLUDED.expires_at`;

export const TALLY_VOTES = `
  SELECT count(*) FILTER (WHERE healthy)::int AS up, count(*) FILTER (WHERE NOT healthy)::int AS down
  FROM keelson_vote WHERE election = $1 AND target = $2 AND expires_at > now()`;
