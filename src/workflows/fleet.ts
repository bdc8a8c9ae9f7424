/**
 * Many rebuilds at once (a scheduled wave, `npm run bench`): a pool of at most `concurrency` rebuilds,
 * all sharing one install watcher so that install polling costs one list call per interval, and one
 * rate budget through the providers. Each rebuild is the ordinary, crash-safe workflow.
 */
import { rebuildServer, type RebuildResult, type WorkflowContext } from './rebuild.ts';
import { createServerWatcher } from './watch.ts';

export interface FleetResult {
  results: RebuildResult[];
  failures: { server: string; error: string }[];
}

/**
 * Rebuilds `names`, at most `concurrency` at a time, in the order given. A failed rebuild is reported
 * and does not stop the others (it cleaned up after itself, or a rerun finishes it). Safe to repeat.
 */
export async function rebuildFleet(ctx: WorkflowContext, names: string[], concurrency: number): Promise<FleetResult> {
  const shared: WorkflowContext = { ...ctx, watcher: ctx.watcher ?? createServerWatcher(ctx.providers.compute, ctx.clock, ctx.pollInterval ?? 10_000) };
  const out: FleetResult = { results: [], failures: [] };
  const queue = [...names];
  async function worker(): Promise<void> {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        out.results.push(await rebuildServer(shared, name));
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        out.failures.push({ server: name, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, names.length)) }, worker));
  return out;
}
