/**
 * What the workflow verbs (rebuild, destroy, schedule, status, and apply's rebuild resume) share: a
 * workflow context on a connection, whose clock follows the embedded simulator's when there is one.
 */
import { realClock } from '../apply/types.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { EMBEDDED_SIM_SPEED, type Connection } from '../providers/connect.ts';
import { scaledClock, type Clock } from '../workflows/clock.ts';
import type { HealthProbe } from '../workflows/health.ts';
import type { WorkflowContext } from '../workflows/rebuild.ts';
import type { EventLog } from './log-events.ts';
import { pollIntervalFor } from './session.ts';

/** The embedded simulator's clock (it runs faster than the wall), or real time. */
export function clockFor(conn: Connection): Clock {
  const sim = conn.simulator;
  return sim ? scaledClock(() => sim.admin.now(), EMBEDDED_SIM_SPEED) : realClock;
}

/** A workflow context on `conn`; polls every 10 s of the embedded simulator's time, else as apply polls. */
export function workflowContext(project: ProjectConfig, manifests: Manifests, conn: Connection, extra: Partial<WorkflowContext> = {}): WorkflowContext {
  const pollInterval = conn.simulator ? 10_000 : pollIntervalFor(conn);
  // The embedded simulator's servers do not exist: their addresses are never contacted, so health passes.
  // Reachable ones answer on loopback, so their health check runs for real.
  const probe = conn.simulator && !conn.simulator.reachable ? simulatedProbe : undefined;
  return { providers: conn.providers, owner: project.owner, manifests, clock: clockFor(conn), pollInterval, ...(probe && { probe }), ...extra };
}

const simulatedProbe: HealthProbe = async () => ({ ok: true });

export function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** A step of a multi-step workflow (rebuild, destroy) as its progress callback reports it. */
interface WorkflowStep {
  step: string;
  state: 'start' | 'done' | 'skipped';
  elapsedMs?: number;
  detail?: string;
}

/** Prints each finished step; with `--log-format json` every step event is also a JSON log line. */
export function stepPrinter(workflow: 'rebuild' | 'destroy', server: string, events?: EventLog): (e: WorkflowStep) => void {
  return (e) => {
    events?.(`${workflow}.step`, { server, step: e.step, state: e.state, elapsedMs: e.elapsedMs, detail: e.detail }, `[Server/${server}] ${e.step} ${e.state}`);
    printStep(e);
  };
}

function printStep(e: WorkflowStep): void {
  if (e.state === 'start') return;
  const time = e.elapsedMs === undefined ? '' : ` (${seconds(e.elapsedMs)})`;
  process.stdout.write(`  ${e.state === 'skipped' ? '-' : '✓'} ${e.step.padEnd(11)}${time}${e.detail ? `  ${e.detail}` : ''}\n`);
}
