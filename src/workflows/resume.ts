/**
 * What `apply` and the controller run before planning: finish every rebuild a crash (or a plan-time
 * replace) left in progress, using the same workflow as `keelson rebuild`. Never starts a rebuild.
 */
import { rebuildsInProgress } from '../model/server-family.ts';
import { rebuildServer, type RebuildResult, type WorkflowContext } from './rebuild.ts';

/**
 * Finishes the in-progress rebuilds of servers still in the manifests, one after another. Changes
 * what each rebuild's remaining steps change; safe to repeat (a finished rebuild is no longer in progress).
 */
export async function finishRebuilds(ctx: WorkflowContext): Promise<RebuildResult[]> {
  const pending = rebuildsInProgress(await ctx.providers.compute.listServers(), ctx.owner).filter((f) => ctx.manifests.servers.has(f.name));
  const out: RebuildResult[] = [];
  for (const f of pending) out.push(await rebuildServer(ctx, f.name, { resumeOnly: true }));
  return out;
}
