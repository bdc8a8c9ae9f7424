/**
 * What the repository lock's commit records (the `lock.json` file in its tree): who holds it, for what,
 * under which epoch and until when. Pure: parsing, rendering and describing; no git here.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/** The verbs (and the controller) that take the lock before writing to a provider or a host. */
export type LockOperation = 'apply' | 'rebuild' | 'destroy' | 'deploy' | 'rollback' | 'import' | 'reconcile' | 'release';

export interface LockHolder {
  user: string;
  host: string;
  pid: number;
  /** The CI run's page, when running in CI (GitHub Actions, GitLab CI). */
  ci?: string;
}

/** The lock file. `released` keeps the epoch counting up after a release (the ref is never deleted). */
export interface LockRecord {
  format: 'keelson-lock/v1';
  state: 'held' | 'released';
  /** Increases by one with every acquisition (and takeover); a renewal keeps it. */
  epoch: number;
  operation: LockOperation;
  holder: LockHolder;
  acquiredAt: string;
  renewedAt: string;
  /** After this instant (the holder's wall clock) another run may take the lock over. */
  expiresAt: string;
  /** Makes every acquisition's commit unique, even for the same holder within one second. */
  nonce: string;
}

/** The current run as a lock holder; the CI run URL comes from the CI's own variables. */
export function currentHolder(env: NodeJS.ProcessEnv = process.env): LockHolder {
  let user = env.USER ?? env.LOGNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  const ci = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : env.CI_JOB_URL || undefined;
  return { user, host: hostname(), pid: process.pid, ...(ci && { ci }) };
}

/** `alice@build-7 pid 4242 (https://github.com/acme/infra/actions/runs/1)`. */
export function describeHolder(h: LockHolder): string {
  return `${h.user}@${h.host} pid ${h.pid}${h.ci ? ` (${h.ci})` : ''}`;
}

export function heldRecord(opts: { epoch: number; operation: LockOperation; holder: LockHolder; now: number; ttlMs: number }): LockRecord {
  const at = new Date(opts.now).toISOString();
  return {
    format: 'keelson-lock/v1', state: 'held', epoch: opts.epoch, operation: opts.operation, holder: opts.holder,
    acquiredAt: at, renewedAt: at, expiresAt: new Date(opts.now + opts.ttlMs).toISOString(), nonce: randomUUID(),
  };
}

export function renewedRecord(r: LockRecord, now: number, ttlMs: number): LockRecord {
  return { ...r, renewedAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString(), nonce: randomUUID() };
}

export function releasedRecord(r: Pick<LockRecord, 'epoch' | 'operation' | 'holder'>, now: number): LockRecord {
  const at = new Date(now).toISOString();
  return { format: 'keelson-lock/v1', state: 'released', epoch: r.epoch, operation: r.operation, holder: r.holder, acquiredAt: at, renewedAt: at, expiresAt: at, nonce: randomUUID() };
}

export function renderRecord(r: LockRecord): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** The commit message: one line a person reads in `git log refs/keelson/lock`. */
export function commitMessage(r: LockRecord): string {
  return r.state === 'released'
    ? `keelson lock released (epoch ${r.epoch})`
    : `keelson lock: epoch ${r.epoch}, ${r.operation} by ${describeHolder(r.holder)} until ${r.expiresAt}`;
}

const OPERATIONS = new Set<string>(['apply', 'rebuild', 'destroy', 'deploy', 'rollback', 'import', 'reconcile', 'release']);

/** Reads a lock file; a string saying what is wrong when it is not a keelson lock (garbage is reported, never guessed at). */
export function parseRecord(text: string): LockRecord | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'lock.json is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'lock.json is not an object';
  const r = v as Record<string, unknown>;
  if (r.format !== 'keelson-lock/v1') return `unknown format ${JSON.stringify(r.format)}`;
  if (r.state !== 'held' && r.state !== 'released') return `state ${JSON.stringify(r.state)} is neither held nor released`;
  if (!Number.isInteger(r.epoch) || (r.epoch as number) < 0) return 'epoch is not a whole number';
  if (typeof r.operation !== 'string' || !OPERATIONS.has(r.operation)) return `operation ${JSON.stringify(r.operation)} is unknown`;
  const h = r.holder as Record<string, unknown> | undefined;
  if (!h || typeof h.user !== 'string' || typeof h.host !== 'string' || !Number.isInteger(h.pid)) return 'holder is incomplete';
  for (const k of ['acquiredAt', 'renewedAt', 'expiresAt'] as const) {
    if (typeof r[k] !== 'string' || Number.isNaN(Date.parse(r[k]))) return `${k} is not a time`;
  }
  return v as LockRecord;
}

/** How long ago the lock expired (negative: still valid for that long), by `now`. */
export function staleForMs(r: LockRecord, now: number): number {
  return now - Date.parse(r.expiresAt);
}

/** `4m05s`, `12.3s`: how a lock's age or remaining time reads. */
export function formatSpan(ms: number): string {
  const a = Math.abs(ms);
  return a >= 60_000 ? `${Math.floor(a / 60_000)}m${String(Math.round((a % 60_000) / 1000)).padStart(2, '0')}s` : `${(a / 1000).toFixed(1)}s`;
}
