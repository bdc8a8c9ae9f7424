/**
 * A git-slot deploy on one host (the blue/red setup): check out the ref in the idle slot, build, start
 * it under its supervisor, gate on health, switch nginx, and keep the old slot running for rollback.
 * Any failure before the switch stops the idle slot and leaves the live one serving.
 */
import type { GitSource } from '../model/types.ts';
import type { HostDeployResult } from './container-host.ts';
import {
  buildScript, checkoutScript, slotLogScript, slotStatusScript, startSlotScript, stopSlotScript,
} from './git-commands.ts';
import { excerpt, httpProbe, waitHealthy } from './health.ts';
import { commandFailed, fail, mustExec, runExec, step, type HostRun } from './host-run.ts';
import { finishLastDrain, hostViewScript, parseHostView, recordState, type HostView } from './host-state.ts';
import { acquireHostLock, keepHostLock, releaseHostLock } from './lock.ts';
import { switchAndVerify } from './proxy.ts';
import { exportLines } from './remote-scripts.ts';
import type { LiveSlot } from './upstream.ts';

/** A ref to deploy, or the host's previous slot (rollback). */
export type GitWanted = { ref: string } | { previous: true };

/**
 * Deploys a ref (or switches back to the previous slot) on the host behind `run`, under the host lock.
 * Changes, in order: the idle slot's process and checkout, the build, the new process, the upstream
 * file (+ reload), the state file; the old slot keeps running unless `keepPrevious` is false.
 */
export async function deployGitHost(run: HostRun, src: GitSource, wanted: GitWanted): Promise<HostDeployResult> {
  const started = run.startedAt ?? run.clock.now();
  // The lock and the host's state in one round trip: the state is read only under the lock.
  const { output } = await acquireHostLock(run, hostViewScript(run));
  const keeper = keepHostLock(run);
  try {
    return await deployLocked(run, src, wanted, started, parseHostView(output));
  } finally {
    keeper.stop();
    await releaseHostLock(run);
  }
}

async function deployLocked(run: HostRun, src: GitSource, wanted: GitWanted, started: number, view: HostView): Promise<HostDeployResult> {
  const app = run.doc.metadata.name;
  const { strategy } = run.doc.spec;
  const old = view.state.live;
  const env = exportLines({ ...src.env, ...run.secretEnv });
  let live: LiveSlot;

  if ('previous' in wanted) {
    const prev = view.state.previous;
    if (!prev) throw fail(run, 'rollback', 'no previous slot recorded on this host');
    live = { ...prev, since: '', deployId: run.deployId };
    const status = await mustExec(run, 'rollback', slotStatusScript(app, prev.slot));
    if (status.stdout.trim() !== 'running') {
      await step(run, 'start', `restarting slot ${prev.slot}`, () => mustExec(run, 'start', 'sh -s', { stdin: startSlotScript(env, app, src.root, prev.slot, prev.port, src.start) }));
    }
  } else {
    const slot = src.slots.find((s) => s.name !== old?.slot) ?? src.slots[0];
    live = { slot: slot.name, port: slot.port, version: '', ref: wanted.ref, since: '', deployId: run.deployId };
    // The idle slot is about to be replaced: it can no longer be rolled back to.
    if (view.state.previous?.slot === slot.name) await recordState(run, { live: old });
    // Whatever still runs in the idle slot (the version before last, or a killed run's) stops first,
    // once nginx's old workers had the drain period to finish their requests there.
    if (view.state.previous?.slot === slot.name) await finishLastDrain(run, view.state);
    const co = await step(run, 'checkout', `stopping slot ${slot.name} and checking out ${wanted.ref} there`, () =>
      mustExec(run, 'checkout', `${stopSlotScript(app, slot.name)}\n${checkoutScript(src.root, slot.name, src.repo, wanted.ref)}`));
    live.version = co.stdout.trim().split('\n').pop() ?? '';
    // Build and start share a round trip; `@@built` on stdout tells which of the two failed.
    const stdin = `${src.build ? buildScript(env, src.root, slot.name, src.build) : ''}${startSlotScript(env, app, src.root, slot.name, slot.port, src.start)}`;
    await step(run, src.build ? 'build' : 'start', `${src.build ? `building ${live.version.slice(0, 12)} and ` : ''}starting slot ${slot.name} on 127.0.0.1:${slot.port}`, async () => {
      const r = await runExec(run, 'start', 'sh -s', { stdin });
      if (r.code !== 0) throw commandFailed(run, src.build && !r.stdout.includes('@@built') ? 'build' : 'start', r);
    });
  }

  const previous = old && old.slot !== live.slot ? old : undefined;
  let healthyAfterMs: number;
  try {
    healthyAfterMs = await gate(run, live);
    live.since = new Date().toISOString();
    await switchAndVerify(run, live, { live, previous }, old, view.state);
  } catch (err) {
    if (!('previous' in wanted)) await runExec(run, 'cleanup', stopSlotScript(app, live.slot)).catch(() => undefined);
    throw err;
  }
  const switchedAfterMs = run.clock.now() - started;
  if (previous && !strategy.keepPrevious) {
    await step(run, 'drain', `letting slot ${previous.slot} finish in-flight requests`, () => run.clock.sleep(strategy.drain));
    await step(run, 'cleanup', `stopping slot ${previous.slot}`, () => mustExec(run, 'cleanup', stopSlotScript(app, previous.slot)));
  }
  return { live, previous, healthyAfterMs, switchedAfterMs };
}

async function gate(run: HostRun, live: LiveSlot): Promise<number> {
  const { health } = run.doc.spec;
  return step(run, 'health', `waiting for GET ${health.path} = ${health.expectStatus} on 127.0.0.1:${live.port}`, async () => {
    const result = await waitHealthy(httpProbe(run.remote, live.port, health.path, health.expectStatus), health, run.clock);
    if (result.ok) return result.elapsedMs;
    const log = await runExec(run, 'health', slotLogScript(run.doc.metadata.name, live.slot, 10)).catch(() => undefined);
    const logText = log?.stdout.trim() ? `; slot log: ${excerpt(log.stdout)}` : '';
    throw fail(run, 'health', `slot ${live.slot} not healthy after ${result.attempts} checks in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.last}${logText}`);
  });
}
