/**
 * The plan as JSON for machines, in the format `schemas/plan.json` describes (versioned by
 * `formatVersion`). Secrets are redacted: user data and startup scripts appear as their digests only.
 */
import { sensitiveDigest } from './hash.ts';
import type { Change, Plan } from './types.ts';

export const PLAN_SCHEMA_ID = 'https://keelson.dev/schemas/v1/plan.json';

function redactChange(c: Change): Change {
  const p = c.payload;
  if ((p.op === 'server.create' || p.op === 'server.replace') && p.request.userData !== undefined) {
    return { ...c, payload: { ...p, request: { ...p.request, userData: `(sensitive) ${sensitiveDigest(p.request.userData)}` } } };
  }
  if ((p.op === 'script.create' || p.op === 'script.update') && p.request.script !== undefined) {
    return { ...c, payload: { ...p, request: { ...p.request, script: `(sensitive) ${sensitiveDigest(p.request.script)}` } } };
  }
  return c;
}

/** A copy of `plan` that is safe to show: no secret values. The original is not changed. */
export function redactPlan(plan: Plan): Plan {
  return { ...plan, changes: plan.changes.map(redactChange) };
}

/** Pretty-printed JSON with a `$schema` pointer; stable for equal plans. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify({ $schema: PLAN_SCHEMA_ID, ...redactPlan(plan) }, null, 2)}\n`;
}
