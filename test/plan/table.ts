/** Helpers for planner table tests: plan with the test owner and summarize as change ids. */
import { expect } from 'vitest';
import type { LiveState } from '../../src/model/live.ts';
import type { Manifests } from '../../src/model/types.ts';
import { planChanges } from '../../src/plan/plan.ts';
import type { Change, Plan } from '../../src/plan/types.ts';
import { OWNER } from './builders.ts';

export interface Case {
  name: string;
  desired: Manifests;
  live: LiveState;
  /** The change ids, in plan order. */
  expect: string[];
  check?: (plan: Plan) => void;
}

export function plan(desired: Manifests, live: LiveState): Plan {
  return planChanges(desired, live, { owner: OWNER });
}

export function runCase(c: Case): Plan {
  const p = plan(c.desired, c.live);
  expect(p.problems).toEqual([]);
  expect(p.changes.map((ch) => ch.id)).toEqual(c.expect);
  c.check?.(p);
  return p;
}

export function change(p: Plan, id: string): Change {
  const c = p.changes.find((x) => x.id === id);
  if (!c) throw new Error(`no change ${id} in ${p.changes.map((x) => x.id).join(', ')}`);
  return c;
}

/** Whether `before` comes earlier than `after` in the plan's order. */
export function before(p: Plan, first: string, second: string): boolean {
  const ids = p.changes.map((c) => c.id);
  return ids.indexOf(first) >= 0 && ids.indexOf(first) < ids.indexOf(second);
}
