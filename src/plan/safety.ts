/**
 * Safety: a separate step after planning and before anything is written (like external-dns's
 * policy, and octoDNS's plan that refuses itself naming the numbers). Rules:
 * - a plan with problems is refused (never overridable);
 * - `protect`ed resources are never replaced or deleted (never overridable: remove `protect` first);
 * - per kind and action, deleting/replacing/updating more than `maxChangePercent` of the owned live
 *   resources, when there are at least `minCountForPercent` of them, is refused (overridable);
 * - deleting every owned resource of a kind because the manifests declare none is refused (overridable);
 * - deleting the last A/AAAA record of a name is refused; overridable only when the name's address
 *   records were removed from the manifests (`removed`), never when they still resolve to nothing (`emptied`).
 * `force` overrides only when it equals the plan's checksum: a force given for one plan never
 * carries over to another.
 */
import { UnsafePlanError } from '../errors.ts';
import type { ChangeAction, ChangeKind, LastAddressGuard, Plan } from './types.ts';

export type SafetyRule = 'problems' | 'protected' | 'threshold' | 'empty-desired' | 'last-address' | 'force-mismatch';

export interface Refusal {
  rule: SafetyRule;
  message: string;
  /** `--force` with this plan's checksum lets the plan through. */
  overridable: boolean;
}

export interface SafetyVerdict {
  ok: boolean;
  /** What stops the plan. */
  refusals: Refusal[];
  /** What would have stopped it, let through by a matching force. */
  overridden: Refusal[];
}

export interface CheckOptions {
  /** The checksum of the plan the user means to force (`--force <checksum>`); a prefix of 12+ characters is accepted. */
  force?: string;
}

const KINDS: ChangeKind[] = ['Server', 'Snapshot', 'DNSRecord', 'SSHKey', 'StartupScript'];
const VERB: Record<Exclude<ChangeAction, 'create'>, string> = { delete: 'delete', replace: 'replace', update: 'update' };

function forceMatches(plan: Plan, force: string | undefined): boolean {
  return force !== undefined && force.length >= 12 && plan.checksum.startsWith(force);
}

/** Every refusal the plan earns, before force is considered. */
export function findRefusals(plan: Plan): Refusal[] {
  const out: Refusal[] = [];
  if (plan.problems.length) {
    out.push({ rule: 'problems', overridable: false, message: `${plan.problems.length} problem(s) in the manifests: ${plan.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}` });
  }
  for (const c of plan.changes) {
    if (c.protected && (c.action === 'delete' || (c.action === 'replace' && c.phase !== 'destroy-old'))) {
      out.push({ rule: 'protected', overridable: false, message: `${c.kind}/${c.name} is protected: would ${c.action} it (${c.reason}); set protect: false first` });
    }
  }
  const { maxChangePercent: max, minCountForPercent: min } = plan.safety;
  for (const kind of KINDS) {
    const { liveOwned, desired } = plan.stats[kind];
    const n = plan.counts.byKind[kind];
    if (desired === 0 && liveOwned > 0 && n.delete > 0) {
      out.push({ rule: 'empty-desired', overridable: true, message: `the manifests declare no ${kind} but ${liveOwned} owned ${kind} exist: would delete ${n.delete} of ${liveOwned}` });
    }
    if (liveOwned < min) continue;
    for (const action of ['delete', 'replace', 'update'] as const) {
      const pct = (n[action] / liveOwned) * 100;
      if (pct > max) {
        out.push({ rule: 'threshold', overridable: true, message: `would ${VERB[action]} ${n[action]} of ${liveOwned} ${kind} (${Math.round(pct)}% > ${max}%)` });
      }
    }
  }
  for (const c of plan.changes) {
    if (!c.guard) continue;
    out.push(c.guard.intent === 'removed'
      ? lastAddressRefusal(c.guard, [c.name], true)
      : lastAddressRefusal(c.guard, [c.name], false, 'its targets resolve to nothing'));
  }
  return out;
}

/**
 * The refusal for deleting the last A/AAAA record(s) of a name, naming them. Whether it may be
 * overridden is the caller's rule: a plan never lets an `emptied` name through, `keelson destroy
 * --force` does (the server's removal is the intent).
 */
export function lastAddressRefusal(guard: LastAddressGuard, records: readonly string[], overridable: boolean, why?: string): Refusal {
  const what = `would delete the last address record${records.length > 1 ? 's' : ''} of ${guard.fqdn} (${records.join(', ')})`;
  return {
    rule: 'last-address', overridable,
    message: guard.intent === 'removed'
      ? `${what}; its record set was removed from the manifests`
      : `${what} although the manifests still declare it${why ? `: ${why}` : ''}`,
  };
}

/** Judges a plan. Pure; safe to call any number of times. */
export function checkPlan(plan: Plan, options: CheckOptions = {}): SafetyVerdict {
  const all = findRefusals(plan);
  const forced = forceMatches(plan, options.force);
  const refusals = all.filter((r) => !(forced && r.overridable));
  if (options.force !== undefined && !forced) {
    refusals.push({ rule: 'force-mismatch', overridable: false, message: `--force ${options.force} does not match this plan's checksum ${plan.checksum.slice(0, 12)}; review this plan and force it by its own checksum` });
  }
  return { ok: refusals.length === 0, refusals, overridden: forced ? all.filter((r) => r.overridable) : [] };
}

/** Throws `UnsafePlanError` naming every refusal; returns the verdict otherwise. */
export function assertPlanSafe(plan: Plan, options: CheckOptions = {}): SafetyVerdict {
  const v = checkPlan(plan, options);
  if (!v.ok) throw new UnsafePlanError(v.refusals.map((r) => r.message + (r.overridable ? ` (override: --force ${plan.checksum.slice(0, 12)})` : '')));
  return v;
}
