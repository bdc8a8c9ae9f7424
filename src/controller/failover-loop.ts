/**
 * The failover loop as a controller side loop (issue 12): started once the controller has applied a
 * commit whose manifests declare a failover policy and holds a connection, told about every new
 * revision in force, stopped with the controller. Its `desired` is the controller's desired-state seam:
 * the manifests minus the targets failover holds down, so a drift reconcile never re-adds one.
 */
import { realClock, type ApplyClock } from '../apply/types.ts';
import { failoverGroups, startFailover, subtractHeldDown, type FailoverHandle, type Prober, type RoundReport, type TargetStatus } from '../failover/index.ts';
import type { Manifests, NotifierDoc } from '../model/types.ts';
import { createNotifySink } from '../notify/sink.ts';
import type { Connection } from '../providers/connect.ts';
import { recordFailoverRound, recordProbe } from './metrics.ts';
import type { SideLoop, SideLoopContext } from './options.ts';

export interface FailoverSideLoopOptions {
  /** The failover loop's clock (probe intervals, hold-down); default: real time. */
  clock?: ApplyClock;
  prober?: Prober;
  /** How often (real ms) the revision in force is looked at besides every reconcile; default 1 s. */
  watchMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** After every failover round (tests). */
  onRound?: (r: RoundReport) => void;
}

export interface FailoverSideLoop extends SideLoop {
  /** For `ControllerOptions.desired`: `m` minus what failover holds down (identity before it runs). */
  desired(m: Manifests): Manifests;
  /** Each target's health, since when, and whether its record is in DNS; undefined while not running. */
  targets(): TargetStatus[] | undefined;
}

export function failoverSideLoop(opts: FailoverSideLoopOptions = {}): FailoverSideLoop {
  let ctx: SideLoopContext | undefined;
  let handle: FailoverHandle | undefined;
  let conn: Connection | undefined;
  let revision: string | undefined;
  let notifiers: ReadonlyMap<string, NotifierDoc> = new Map();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let syncing: Promise<void> = Promise.resolve();

  const sync = async (): Promise<void> => {
    const cur = ctx?.current();
    const c = ctx?.connection();
    if (stopped || !ctx || !cur || !c) return;
    if (handle && conn !== c) {
      // New provider settings: the old connection is closed; start again on the new one.
      await handle.stop();
      handle = undefined;
    }
    if (handle) {
      if (cur.revision !== revision) {
        notifiers = cur.manifests.notifiers;
        handle.setManifests(cur.manifests);
        revision = cur.revision;
      }
      return;
    }
    if (failoverGroups(cur.manifests).length === 0) return;
    const metrics = ctx.metrics;
    notifiers = cur.manifests.notifiers;
    conn = c;
    revision = cur.revision;
    handle = startFailover({
      project: cur.project, manifests: cur.manifests, providers: c.providers, clock: opts.clock ?? realClock,
      sink: createNotifySink(() => notifiers, { ...(opts.env && { env: opts.env }), onError: (l) => opts.log?.('warn', l) }),
      ...(opts.prober && { prober: opts.prober }),
      onProbe: (g, t, o) => recordProbe(metrics, g.key, t, o),
      onRound: (r) => {
        if (handle) recordFailoverRound(metrics, r, handle.status());
        opts.onRound?.(r);
      },
      onError: (l) => opts.log?.('warn', l),
    });
    opts.log?.('info', `failover loop started for ${failoverGroups(cur.manifests).length} record set(s) at ${cur.revision.slice(0, 12)}`);
  };
  const poke = (): void => {
    syncing = syncing.then(sync).catch((err: unknown) => opts.log?.('error', `failover: ${err instanceof Error ? err.message : String(err)}`));
  };

  return {
    name: 'failover',
    start(c) {
      ctx = c;
      poke();
      timer = setInterval(poke, opts.watchMs ?? 1000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await syncing;
      await handle?.stop();
    },
    desired(m) {
      // A reconcile is the moment a new revision may have come into force: look now, not only on the timer.
      poke();
      return handle ? subtractHeldDown(m, handle.heldDown()) : m;
    },
    targets: () => handle?.status(),
  };
}
