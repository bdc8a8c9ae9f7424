/**
 * The controller's Prometheus metrics (prom-client, on a registry of its own so two controllers in one
 * process, as in tests, never share counters), and the rate-budget wrapper that counts every provider
 * API attempt and every 429.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProbeOutcome, RoundReport, TargetStatus } from '../failover/index.ts';
import { aroundAttempts, type RateBudget } from '../providers/rate-budget.ts';
import type { ReconcileResult } from '../reconcile/types.ts';

export interface ControllerMetrics {
  registry: Registry;
  reconciles: Counter<'result' | 'trigger'>;
  duration: Histogram<'trigger'>;
  lastSuccess: Gauge;
  appliedRevision: Gauge<'revision'>;
  changes: Counter<'kind' | 'action' | 'status'>;
  apiCalls: Counter<'provider'>;
  rateLimited: Counter<'provider'>;
  rebuildsRunning: Gauge;
  rebuildsHeld: Gauge<'reason'>;
  rebuilds: Counter<'result'>;
  refusals: Counter;
  sourceErrors: Counter;
  failoverProbes: Counter<'record' | 'target' | 'result'>;
  failoverActions: Counter<'record' | 'target' | 'action'>;
  failoverTargetUp: Gauge<'record' | 'target'>;
  failoverInDns: Gauge<'record' | 'target'>;
}

export function createMetrics(opts: { processMetrics?: boolean } = {}): ControllerMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'keelson_' });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({ name: 'keelson_reconciles_total', help: 'Reconciles by result and trigger', labelNames: ['result', 'trigger'], registers }),
    duration: new Histogram({ name: 'keelson_reconcile_duration_seconds', help: 'Wall time of one reconcile', labelNames: ['trigger'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900], registers }),
    lastSuccess: new Gauge({ name: 'keelson_last_success_timestamp_seconds', help: 'When a reconcile last ended applied or in sync', registers }),
    appliedRevision: new Gauge({ name: 'keelson_applied_revision', help: 'The commit in force (value 1, the hash in the label)', labelNames: ['revision'], registers }),
    changes: new Counter({ name: 'keelson_changes_total', help: 'Changes applied, by kind, action and status', labelNames: ['kind', 'action', 'status'], registers }),
    apiCalls: new Counter({ name: 'keelson_api_calls_total', help: 'Provider API attempts', labelNames: ['provider'], registers }),
    rateLimited: new Counter({ name: 'keelson_api_rate_limited_total', help: 'Provider answers 429', labelNames: ['provider'], registers }),
    rebuildsRunning: new Gauge({ name: 'keelson_rebuilds_running', help: 'Scheduled rebuilds running now', registers }),
    rebuildsHeld: new Gauge({ name: 'keelson_rebuilds_held', help: 'Due rebuilds held back, by reason', labelNames: ['reason'], registers }),
    rebuilds: new Counter({ name: 'keelson_rebuilds_total', help: 'Scheduled rebuilds finished, by result', labelNames: ['result'], registers }),
    refusals: new Counter({ name: 'keelson_plan_refusals_total', help: 'Plans refused by the safety check', registers }),
    sourceErrors: new Counter({ name: 'keelson_source_errors_total', help: 'Failed ls-remote, fetch or checkout', registers }),
    failoverProbes: new Counter({ name: 'keelson_failover_probes_total', help: 'Failover health probes, by record set, target and result (ok, fail, refused)', labelNames: ['record', 'target', 'result'], registers }),
    failoverActions: new Counter({ name: 'keelson_failover_actions_total', help: 'Failover DNS actions written, by record set, target and action (remove, add)', labelNames: ['record', 'target', 'action'], registers }),
    failoverTargetUp: new Gauge({ name: 'keelson_failover_target_up', help: 'Failover target health: 1 up, 0 down, -1 not probed yet', labelNames: ['record', 'target'], registers }),
    failoverInDns: new Gauge({ name: 'keelson_failover_target_in_dns', help: 'Whether the failover target\'s record is in DNS (1) or held out (0)', labelNames: ['record', 'target'], registers }),
  };
}

/** Counts one finished reconcile. */
export function recordReconcile(m: ControllerMetrics, r: ReconcileResult, trigger: string, seconds: number, now: number): void {
  m.reconciles.inc({ result: r.outcome, trigger });
  m.duration.observe({ trigger }, seconds);
  if (r.outcome === 'applied' || r.outcome === 'in-sync' || r.outcome === 'planned') m.lastSuccess.set(now / 1000);
  if (r.outcome === 'refused') m.refusals.inc();
  if (r.revision && r.outcome !== 'invalid' && r.outcome !== 'failed') {
    m.appliedRevision.reset();
    m.appliedRevision.set({ revision: r.revision }, 1);
  }
  const byId = new Map((r.plan?.changes ?? []).map((c) => [c.id, c]));
  for (const c of r.changes) {
    const change = byId.get(c.id);
    if (change) m.changes.inc({ kind: change.kind, action: change.action, status: c.status });
  }
}

/** Counts one failover probe (`refused`: keelson refused to probe the address, nothing was learnt). */
export function recordProbe(m: ControllerMetrics, record: string, target: string, o: ProbeOutcome): void {
  m.failoverProbes.inc({ record, target, result: o.ok ? 'ok' : o.refused ? 'refused' : 'fail' });
}

/** Counts a failover round's written actions and sets every target's health and in-DNS gauges. */
export function recordFailoverRound(m: ControllerMetrics, r: RoundReport, targets: readonly TargetStatus[]): void {
  for (const a of r.actions) m.failoverActions.inc({ record: a.group.key, target: a.target, action: a.op });
  for (const t of targets) {
    m.failoverTargetUp.set({ record: t.key, target: t.target }, t.health === 'up' ? 1 : t.health === 'down' ? 0 : -1);
    m.failoverInDns.set({ record: t.key, target: t.target }, t.inDns ? 1 : 0);
  }
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const s = e.status ?? e.statusCode ?? e.response?.status;
  return typeof s === 'number' ? s : undefined;
}

/** A budget that counts each attempt and each 429 it sees, then behaves exactly like `b`. */
export function countingBudget(b: RateBudget, m: ControllerMetrics): RateBudget {
  return aroundAttempts(b, async (fn) => {
    m.apiCalls.inc({ provider: b.api });
    try {
      return await fn();
    } catch (err) {
      if (statusOf(err) === 429) m.rateLimited.inc({ provider: b.api });
      throw err;
    }
  });
}
