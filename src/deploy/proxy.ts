/**
 * The proxy switch: write the upstream file atomically, `nginx -t`, reload, then make sure nginx
 * really serves the new upstream (its old workers stopped accepting, and the verify URL answers)
 * before anyone touches the old version.
 */
import { fail, mustExec, step, type HostRun } from './host-run.ts';
import { waitHealthy, httpProbe } from './health.ts';
import type { HostState } from './host-state.ts';
import { stateDir } from './remote-scripts.ts';
import { switchScript } from './switch-script.ts';
import { renderUpstream, type LiveSlot } from './upstream.ts';

/** What the switch script saw before the reload. */
export interface SwitchResult {
  master?: number;
  workersBefore: number[];
  /** nginx's workers when the switch script stopped waiting (`PID ARGS` lines). */
  workersAfter: string;
}

/** Reads switchScript's output. Pure. */
export function parseSwitchOutput(stdout: string): SwitchResult {
  const master = /^master=(\d+)$/m.exec(stdout)?.[1];
  const workers = /^workers-before=(.*)$/m.exec(stdout)?.[1] ?? '';
  const at = stdout.indexOf('@@workers\n');
  return {
    master: master ? Number(master) : undefined,
    workersBefore: workers.split(/\s+/).filter(Boolean).map(Number),
    workersAfter: at >= 0 ? stdout.slice(at + '@@workers\n'.length) : '',
  };
}

/**
 * True once the reload took effect: every worker that accepts connections was started after the
 * reload (old ones only finish their requests, shown as "shutting down"). Pure.
 */
export function reloadApplied(before: number[], psOutput: string): boolean {
  const old = new Set(before);
  let fresh = 0;
  for (const line of psOutput.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const args = m[2] ?? '';
    if (!/worker process/.test(args)) continue;
    if (old.has(pid)) {
      if (!/shutting down/.test(args)) return false;
    } else fresh++;
  }
  return fresh > 0;
}

/**
 * Points nginx at `live`, records `state` on the host once the reload succeeded, and returns what
 * `verifyServing` needs. On a failed `nginx -t` or reload the previous upstream file
 * is restored (by the script) and this throws; nginx keeps serving the old version.
 */
export async function switchUpstream(run: HostRun, live: LiveSlot, state: HostState): Promise<SwitchResult> {
  const { nginx } = run.doc.spec.proxy;
  const content = renderUpstream(`Deployment/${run.doc.metadata.name}`, nginx.upstreamName, live);
  const record = { path: `${stateDir(run.doc.metadata.name)}/state.json`, content: JSON.stringify(state) };
  return step(run, 'switch', `pointing nginx at ${live.slot} (127.0.0.1:${live.port})`, async () => {
    const out = await mustExec(run, 'switch', switchScript(run.doc.metadata.name, nginx.upstreamFile, nginx.command, record), { stdin: content });
    return parseSwitchOutput(out.stdout);
  });
}

/** Waits until nginx's new workers serve, then until the verify URL (if any) answers the expected status. */
export async function verifyServing(run: HostRun, switched: SwitchResult): Promise<void> {
  const { health, proxy } = run.doc.spec;
  await step(run, 'verify', 'checking that nginx serves the new version', async () => {
    if (switched.master && !reloadApplied(switched.workersBefore, switched.workersAfter)) {
      throw fail(run, 'verify', `nginx still runs workers with the old configuration 10 s after the reload: ${switched.workersAfter.trim()}`);
    }
    const url = proxy.nginx.verifyUrl;
    if (url) {
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      const gate = await waitHealthy(httpProbe(run.remote, port, `${u.pathname}${u.search}`, health.expectStatus, u.hostname), { interval: Math.min(health.interval, 100), timeout: health.timeout, deadline: Math.max(10_000, health.timeout) }, run.clock);
      if (!gate.ok) {
        // The whole verify time, not the time left for the last check (which can be a few ms).
        throw fail(run, 'verify', `${url} did not answer ${health.expectStatus} in ${(gate.elapsedMs / 1000).toFixed(1)} s of verifying (${gate.attempts} checks); last: ${gate.last}`);
      }
    }
  });
}

/**
 * Switches nginx to `live` (recording `state`) and verifies it. If nginx does not serve it, switches
 * back to `old` (restoring `oldState`) before throwing, so the old version keeps serving.
 */
export async function switchAndVerify(run: HostRun, live: LiveSlot, state: HostState, old: LiveSlot | undefined, oldState: HostState): Promise<void> {
  const switched = await switchUpstream(run, live, state);
  try {
    await verifyServing(run, switched);
  } catch (err) {
    if (old) await switchUpstream(run, old, oldState).catch(() => undefined);
    throw err;
  }
}
