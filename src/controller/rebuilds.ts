/**
 * The controller's scheduled rebuilds: started through the rebuild workflow, concurrently within the
 * `rebuilds` limits, tracked until they end, each announced as started / done / failed. A slot that
 * failed is not retried by this process (the next slot is; a restart tries once more).
 */
import type { Manifests, ProjectConfig } from '../model/types.ts';
import type { LiveServer } from '../model/live.ts';
import type { DeferredRebuild } from '../schedule/due.ts';
import { rebuildServer, type WorkflowContext } from '../workflows/rebuild.ts';
import type { EventSink } from './events.ts';
import type { ControllerMetrics } from './metrics.ts';
import { planRebuilds } from './schedules.ts';

interface Running {
  region: string;
  since: number;
  /** The workflow step now running (from its step events), for the status page. */
  step?: string;
  done: Promise<void>;
}

export class RebuildRunner {
  readonly running = new Map<string, Running>();
  held: DeferredRebuild[] = [];
  private readonly failedSlots = new Map<string, number>();

  constructor(private readonly events: EventSink, private readonly metrics: ControllerMetrics, private readonly now: () => number) {}

  /** Starts the rebuilds due now (not awaited); records the held-back ones. Returns the names started. */
  startDue(project: ProjectConfig, manifests: Manifests, servers: readonly LiveServer[], ctx: WorkflowContext, signal: AbortSignal): string[] {
    const { due, deferred } = planRebuilds(project, manifests, servers, this.running, this.now());
    this.held = deferred;
    this.metrics.rebuildsHeld.reset();
    for (const d of deferred) this.metrics.rebuildsHeld.inc({ reason: d.reason });
    const started: string[] = [];
    for (const d of due) {
      if (this.failedSlots.get(d.server) === d.slot) continue;
      const slot = new Date(d.slot).toISOString();
      const key = { server: d.server, slot };
      const done = (async () => {
        await this.events.emit({ event: 'rebuild.started', resource: `Server/${d.server}`, message: `[Server/${d.server}] scheduled rebuild started (slot ${slot}) in ${d.region}`, key });
        try {
          const onStep: WorkflowContext['onStep'] = (e) => {
            ctx.onStep?.(e);
            const run = this.running.get(d.server);
            if (run && e.state === 'start') run.step = e.step;
          };
          const r = await rebuildServer({ ...ctx, signal, onStep }, d.server, { region: d.region });
          this.metrics.rebuilds.inc({ result: 'done' });
          await this.events.emit({ event: 'rebuild.done', resource: `Server/${d.server}`, message: `[Server/${d.server}] rebuilt: ${r.oldId} → ${r.newId} in ${r.region}`, key, details: { newId: r.newId, region: r.region } });
        } catch (err) {
          if (signal.aborted) return; // shutdown: the next start resumes it from the live state
          this.failedSlots.set(d.server, d.slot);
          this.metrics.rebuilds.inc({ result: 'failed' });
          const why = err instanceof Error ? err.message : String(err);
          await this.events.emit({ event: 'rebuild.failed', resource: `Server/${d.server}`, message: `[Server/${d.server}] scheduled rebuild failed: ${why}`, key });
        } finally {
          this.running.delete(d.server);
          this.metrics.rebuildsRunning.set(this.running.size);
        }
      })();
      this.running.set(d.server, { region: d.region, since: this.now(), done });
      started.push(d.server);
    }
    this.metrics.rebuildsRunning.set(this.running.size);
    return started;
  }

  /** Waits for every running rebuild to end (they stop at their next step once `signal` aborts). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}
