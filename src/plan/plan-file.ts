/**
 * Saved plans: `keelson plan --out FILE`, then `keelson apply FILE`. The file is the plan as JSON,
 * checksum included; reading verifies the checksum (a tampered file is refused) and
 * `checkStaleness` compares the live objects the plan read with a fresh observation. The file holds
 * user data (the executor needs it): it is written with mode 0600 and must be treated as secret.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeelsonError } from '../errors.ts';
import type { LiveState } from '../model/live.ts';
import { fingerprintLive, liveObjects } from './fingerprint.ts';
import { planChecksum } from './plan.ts';
import { appearedInScope } from './scope.ts';
import type { Plan } from './types.ts';

/** A saved plan cannot be used: unreadable, another format version, tampered with, or stale. */
export class PlanFileError extends KeelsonError {
  override name = 'PlanFileError';
}

/** Writes `plan` to `path` atomically (temp file in the same folder, fsync, rename). Safe to repeat. */
export function writePlanFile(path: string, plan: Plan): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(plan, null, 2)}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Reads and verifies a saved plan; throws `PlanFileError` naming what is wrong. */
export function readPlanFile(path: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PlanFileError(`[plan ${path}] cannot read the saved plan: ${(err as Error).message}`);
  }
  const plan = data as Plan;
  if (!plan || typeof plan !== 'object' || plan.formatVersion !== 1) {
    throw new PlanFileError(`[plan ${path}] unsupported plan format version ${JSON.stringify((plan as { formatVersion?: unknown })?.formatVersion)} (this keelson reads 1)`);
  }
  const actual = planChecksum(plan);
  if (actual !== plan.checksum) {
    throw new PlanFileError(`[plan ${path}] checksum mismatch: the file says ${String(plan.checksum).slice(0, 12)}, its content hashes to ${actual.slice(0, 12)}; the file was changed after planning`);
  }
  return plan;
}

export interface StaleItem {
  /** Fingerprint id, e.g. `Server:abc` or `DNSRecord:<zoneId>/<id>`. */
  id: string;
  name: string;
  what: 'changed' | 'gone' | 'appeared';
}

/**
 * What moved since the plan was made: live objects it read that changed or are gone, and new
 * objects inside the plan's scope (see `appearedInScope`: this owner's marker, a managed zone, a
 * record at a name and type the plan touches). New objects outside it are not the plan's business.
 * An empty list means the plan may be applied as saved.
 */
export function checkStaleness(plan: Plan, fresh: LiveState): StaleItem[] {
  const now = fingerprintLive(fresh);
  const out: StaleItem[] = [];
  for (const [id, hash] of Object.entries(plan.fingerprints)) {
    const h = now.hashes[id];
    if (h === undefined) out.push({ id, name: plan.fingerprintNames[id] ?? id, what: 'gone' });
    else if (h !== hash) out.push({ id, name: now.names[id] ?? id, what: 'changed' });
  }
  const inScope = appearedInScope(plan, fresh);
  for (const [id, object] of liveObjects(fresh)) {
    if (!(id in plan.fingerprints) && inScope(object)) out.push({ id, name: now.names[id] ?? id, what: 'appeared' });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Throws `PlanFileError` naming what moved when the plan is stale. */
export function assertFresh(plan: Plan, fresh: LiveState): void {
  const moved = checkStaleness(plan, fresh);
  if (moved.length) {
    const list = moved.slice(0, 10).map((m) => `${m.name} [${m.id}] ${m.what}`).join('; ');
    throw new PlanFileError(`the saved plan is stale: ${moved.length} live object(s) moved since it was made: ${list}${moved.length > 10 ? '; …' : ''}. Plan again.`);
  }
}
