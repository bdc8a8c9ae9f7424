/**
 * `planChanges`: the pure function from (desired, live, options) to an ordered, checked plan. It
 * reads its inputs and never changes them; the same inputs give the same plan and checksum.
 */
import type { LiveState } from '../model/live.ts';
import type { Manifests } from '../model/types.ts';
import { checkCatalog } from './catalog-checks.ts';
import { newContext, recordOwnership } from './context.ts';
import { fingerprintLive } from './fingerprint.ts';
import { canonicalJson, sha256Hex } from './hash.ts';
import { lastAddressGuards } from './last-address.ts';
import { linkDependencies, pruneDependencies, sortChanges } from './order.ts';
import { isAddressChange, planRecords } from './records.ts';
import { planScope } from './scope.ts';
import { planKeys } from './keys.ts';
import { planServers } from './servers.ts';
import { planSnapshots } from './snapshots.ts';
import type { ActionCounts, Change, KindStats, Plan, PlanCounts, PlanOptions } from './types.ts';

export const DEFAULT_SAFETY = { maxChangePercent: 30, minCountForPercent: 10 } as const;

const zero = (): ActionCounts => ({ create: 0, update: 0, replace: 0, delete: 0 });

export function countChanges(changes: readonly Change[]): PlanCounts {
  const counts: PlanCounts = { ...zero(), byKind: { Server: zero(), Snapshot: zero(), DNSRecord: zero(), SSHKey: zero(), StartupScript: zero() } };
  for (const c of changes) {
    if (c.phase === 'destroy-old') continue;
    counts[c.action]++;
    counts.byKind[c.kind][c.action]++;
  }
  return counts;
}

/** Marks deletes that would leave a name with no A/AAAA record at all (see safety). */
function guardLastAddresses(changes: Change[], desired: Manifests, live: LiveState): void {
  const record = (c: Change): { fqdn: string; type: string } => (c.payload as { record: { fqdn: string; type: string } }).record;
  const deletes = changes.filter((c) => c.payload.op === 'record.delete' && isAddressChange(c));
  const creates = changes.filter((c) => c.payload.op === 'record.create' && isAddressChange(c));
  const guards = lastAddressGuards(live.records, deletes.map(record), creates.map(record), desired);
  for (const c of deletes) {
    const g = guards.get(record(c).fqdn);
    if (g) c.guard = { ...g };
  }
}

function kindStats(changes: Change[], desired: Manifests, live: LiveState, unmanagedIds: Set<string>): KindStats {
  const ownedRecords = live.records.filter((r) => !unmanagedIds.has(`DNSRecord:${r.zoneId}/${r.id}`)).length;
  const records = countChanges(changes).byKind.DNSRecord;
  // Keys and scripts are listed in full (everyone's): the ones not reported unmanaged are this owner's.
  const owned = (id: string): boolean => !unmanagedIds.has(id);
  return {
    Server: { liveOwned: live.servers.filter((s) => !unmanagedIds.has(`Server:${s.id}`)).length, desired: desired.servers.size },
    Snapshot: { liveOwned: live.snapshots.filter((s) => s.status !== 'deleted' && !unmanagedIds.has(`Snapshot:${s.id}`)).length, desired: desired.snapshots.size },
    // Records have no manifest count of their own: what remains after the plan is what is desired.
    DNSRecord: { liveOwned: ownedRecords, desired: ownedRecords - records.delete + records.create },
    SSHKey: { liveOwned: live.catalog.sshKeys.filter((k) => owned(`SSHKey:${k.id}`)).length, desired: desired.sshKeys.size },
    StartupScript: { liveOwned: live.catalog.startupScripts.filter((k) => owned(`StartupScript:${k.id}`)).length, desired: desired.startupScripts.size },
  };
}

/** Records keelson does not own cannot follow a server it deletes; say so instead of leaving them dangling silently. */
function warnDanglingRecords(changes: Change[], live: LiveState, owner: string): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.payload.op !== 'server.delete') continue;
    const s = c.payload.server;
    const ips = new Set([s.ipv4, s.ipv6].filter(Boolean));
    for (const r of live.records) {
      const mine = recordOwnership(r)?.owner === owner;
      if (!mine && ips.has(r.content)) out.push(`[Server/${c.name}] unmanaged record ${r.fqdn} ${r.type} ${r.content} points at server ${s.id}, which this plan deletes`);
    }
  }
  return out;
}

/** Gives repeated ids (duplicate live records with equal content) a stable `@n` suffix. */
function uniqueIds(changes: Change[]): void {
  const seen = new Map<string, number>();
  for (const c of changes) {
    const n = seen.get(c.id) ?? 0;
    seen.set(c.id, n + 1);
    if (n > 0) c.id = c.id.replace(/#(\w+)$/, `@${n + 1}#$1`);
  }
}

/** sha256 of the canonical plan content without `createdAt` and `checksum`. */
export function planChecksum(plan: Omit<Plan, 'checksum'> & { checksum?: string }): string {
  const { createdAt: _c, checksum: _s, ...content } = plan;
  return sha256Hex(canonicalJson(content));
}

/**
 * Computes the ordered plan that takes `live` to `desired`. Only resources carrying `options.owner`'s
 * marker appear in changes; the rest are listed in `unmanaged`. Problems (unknown catalog names,
 * missing references, dependency cycles) are collected in `problems`; safety is judged separately
 * by `checkPlan`. Pure: never mutates its inputs, reads no clock.
 */
export function planChanges(desired: Manifests, live: LiveState, options: PlanOptions): Plan {
  const ctx = newContext(desired, live, options.owner);
  checkCatalog(ctx, desired, live.catalog);
  planServers(ctx);
  planSnapshots(ctx);
  planKeys(ctx);
  planRecords(ctx);
  uniqueIds(ctx.changes);
  linkDependencies(ctx.changes);
  pruneDependencies(ctx.changes);
  guardLastAddresses(ctx.changes, desired, live);
  const { ordered, cycle } = sortChanges(ctx.changes);
  if (cycle.length) ctx.problems.push({ file: '', line: 0, col: 0, path: '', message: `dependency cycle between ${cycle.join(', ')}` });
  const unmanagedIds = new Set(ctx.unmanaged.map((u) => `${u.kind}:${u.id}`));
  const { hashes, names } = fingerprintLive(live);
  const content: Omit<Plan, 'checksum'> = {
    formatVersion: 1,
    owner: options.owner,
    createdAt: options.createdAt ?? live.observedAt,
    ...(options.revision ? { revision: options.revision } : {}),
    changes: [...ordered, ...ctx.changes.filter((c) => cycle.includes(c.id))],
    unmanaged: ctx.unmanaged,
    counts: countChanges(ctx.changes),
    warnings: [...new Set([...ctx.warnings, ...warnDanglingRecords(ctx.changes, live, options.owner)])],
    // Only when there is some: plans (and their checksums) without half-done work stay as they were.
    ...(ctx.inProgress.length ? { inProgress: ctx.inProgress } : {}),
    problems: ctx.problems,
    safety: { ...DEFAULT_SAFETY, ...options.safety },
    stats: kindStats(ctx.changes, desired, live, unmanagedIds),
    fingerprints: hashes,
    fingerprintNames: names,
    scope: planScope(desired, ctx.changes),
  };
  // Detached from the inputs: payloads hold copies of live objects, so editing a plan never edits `live`.
  const plan = structuredClone(content);
  return { ...plan, checksum: planChecksum(plan) };
}
