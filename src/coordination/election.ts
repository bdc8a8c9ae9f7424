/**
 * Leader election for several `keelson controller` processes through a lease row in PostgreSQL,
 * judged by the database's `now()` (never a controller's clock). One dedicated `pg` connection per
 * elector (not a pool: nothing about the lease may depend on which session a pool hands out; the
 * lease is a row, so a reconnect loses nothing). A leader renews every `renewMs`; it gives leadership up
 * when no renewal has succeeded for `giveUpMs` (shorter than the lease, so it has stopped acting before
 * anyone else may take over); a follower takes the lease only once it has expired by the database's clock.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { UsageError } from '../errors.ts';
import { registerSecret, scrub } from '../secrets.ts';
import { ensureTables, PUBLISH_VOTE, RELEASE_LEASE, RENEW_LEASE, TAKE_LEASE, TALLY_VOTES } from './schema.ts';

export interface ElectionOptions {
  /** `postgres://user:password@host:port/db`; the password is registered as a secret (never logged). */
  url: string;
  /** The election's name (one lease row); default `keelson-controller`. */
  name?: string;
  /** This elector's identity in the lease row; default host, pid and a random suffix. */
  id?: string;
  leaseMs?: number;
  renewMs?: number;
  giveUpMs?: number;
  /** How long a published health vote counts; default the lease. */
  voteTtlMs?: number;
  /** Errors talking to the database (already scrubbed); they never stop the election. */
  onError?: (message: string) => void;
}

export interface VoteTally {
  up: number;
  down: number;
  /** A majority of the live votes on the target see it down. */
  isDown: boolean;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** The epoch of this elector's leadership (0 before it first led). */
  epoch(): number;
  /** Called with each change of leadership; returns a function that unsubscribes. */
  onChange(cb: (leader: boolean, epoch: number) => void): () => void;
  /** Records this controller's view of a target's health (expires by the database's clock). */
  publishVote(target: string, healthy: boolean): Promise<void>;
  tally(target: string): Promise<VoteTally>;
  /** Stops electing; a leader gives the lease back so the next one need not wait it out. */
  stop(): Promise<void>;
}

export const DEFAULT_ELECTION = { leaseMs: 15_000, renewMs: 2_000, giveUpMs: 10_000 } as const;

/** The connection string from `--ha URL`, else KEELSON_HA_URL; its password becomes a secret. */
export function haUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = flag ?? env.KEELSON_HA_URL;
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--ha / KEELSON_HA_URL is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new UsageError(`--ha / KEELSON_HA_URL must be a postgres:// URL, not ${parsed.protocol}//…`);
  registerSecret(decodeURIComponent(parsed.password));
  registerSecret(parsed.password);
  return url;
}

const mono = (): number => performance.now();

/**
 * Starts electing at once and keeps at it until `stop()`. Never throws for database trouble: a
 * leader that cannot renew steps down after `giveUpMs`, and a follower keeps trying.
 */
export function startLeaderElection(opts: ElectionOptions): LeaderElection {
  const url = haUrl(opts.url, {})!;
  const name = opts.name ?? 'keelson-controller';
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_ELECTION.leaseMs;
  const renewMs = opts.renewMs ?? DEFAULT_ELECTION.renewMs;
  const giveUpMs = opts.giveUpMs ?? DEFAULT_ELECTION.giveUpMs;
  if (!(renewMs < giveUpMs && giveUpMs < leaseMs)) throw new UsageError(`HA timing: renew (${renewMs} ms) < give-up (${giveUpMs} ms) < lease (${leaseMs} ms) is required`);
  const voteTtlMs = opts.voteTtlMs ?? leaseMs;
  const report = (err: unknown) => opts.onError?.(scrub(err instanceof Error ? err.message : String(err)));

  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let leader = false;
  let epoch = 0;
  let lastRenewed = 0;
  let busy = false;
  let stopped = false;
  const listeners = new Set<(leader: boolean, epoch: number) => void>();

  const setLeader = (v: boolean) => {
    if (leader === v) return;
    leader = v;
    for (const cb of listeners) cb(v, epoch);
  };

  const connection = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: giveUpMs, query_timeout: giveUpMs, application_name: 'keelson-controller' });
      c.on('error', (err) => {
        report(err);
        if (client === c) client = undefined;
      });
      try {
        await c.connect();
        await ensureTables(c);
      } catch (err) {
        void c.end().catch(() => {});
        throw err;
      }
      client = c;
      return c;
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  const drop = (c: pg.Client | undefined) => {
    if (c && client === c) client = undefined;
    void c?.end().catch(() => {});
  };

  const tick = async (): Promise<void> => {
    // A leader whose renewals have failed for giveUpMs stops acting, whatever the database says later.
    if (leader && mono() - lastRenewed >= giveUpMs) setLeader(false);
    if (busy || stopped) return;
    busy = true;
    let c: pg.Client | undefined;
    try {
      c = await connection();
      if (leader) {
        const sent = mono();
        const r = await c.query<{ epoch: string }>(RENEW_LEASE, [name, id, epoch, leaseMs]);
        if (r.rowCount === 1) lastRenewed = sent;
        else setLeader(false);
      } else {
        const sent = mono();
        const r = await c.query<{ epoch: string }>(TAKE_LEASE, [name, id, leaseMs]);
        if (r.rowCount === 1 && !stopped) {
          epoch = Number(r.rows[0]!.epoch);
          lastRenewed = sent;
          setLeader(true);
        }
      }
    } catch (err) {
      report(err);
      drop(c);
    } finally {
      busy = false;
      if (leader && mono() - lastRenewed >= giveUpMs) setLeader(false);
    }
  };

  void tick();
  const timer = setInterval(() => void tick(), renewMs);

  return {
    isLeader: () => leader,
    epoch: () => epoch,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async publishVote(target, healthy) {
      const c = await connection();
      await c.query(PUBLISH_VOTE, [name, target, id, healthy, epoch, voteTtlMs]);
    },
    async tally(target) {
      const c = await connection();
      const r = await c.query<{ up: number; down: number }>(TALLY_VOTES, [name, target]);
      const { up, down } = r.rows[0] ?? { up: 0, down: 0 };
      return { up, down, isDown: down * 2 > up + down };
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      const wasLeader = leader;
      setLeader(false);
      const c = client;
      if (wasLeader && c) await c.query(RELEASE_LEASE, [name, id, epoch]).catch(report);
      drop(c);
      listeners.clear();
    },
  };
}
