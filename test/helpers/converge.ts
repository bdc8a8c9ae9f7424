/** One full run (observe → plan → check → apply) as the CLI does it, for convergence tests. */
import { applyPlan } from '../../src/apply/executor.ts';
import type { ApplyResult } from '../../src/apply/types.ts';
import type { Manifests, ProjectConfig } from '../../src/model/types.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { assertPlanSafe } from '../../src/plan/index.ts';
import type { Plan } from '../../src/plan/types.ts';
import type { Providers } from '../../src/providers/types.ts';

/** Plans and applies once; overridable refusals are forced by checksum (as a user reviewing the plan would). */
export async function applyOnce(project: ProjectConfig, manifests: Manifests, providers: Providers): Promise<{ plan: Plan; result: ApplyResult }> {
  const { plan, live } = await observeAndPlan(project, manifests, providers);
  assertPlanSafe(plan, { force: plan.checksum });
  const result = await applyPlan(plan, {
    providers, zones: live.zones, catalog: live.catalog, snapshots: live.snapshots, servers: live.servers,
    parallelism: 8, pollIntervalMs: 5, installTimeoutMs: 30_000,
  });
  return { plan, result };
}
