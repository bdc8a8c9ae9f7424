/**
 * A container deploy on one host, in Kamal's order: start the new version, wait until it is healthy,
 * and only then switch traffic and stop the old one. Any failure before the switch stops the new
 * container and leaves the old one serving. Safe to repeat after a kill: containers are named by app
 * and slot, and leftovers that nginx does not point at are removed first.
 */
import type { ContainerSource } from '../model/types.ts';
import {
  CONTAINER_SLOTS, containerInspectScript, containerName, logsArgs, parseContainers, pullScript, removeArgs, runArgs, runScript, stopAndRemoveScript, type Runtime,
} from './container-commands.ts';
import { excerpt, httpProbe, waitHealthy } from './health.ts';
import { commandFailed, fail, mustExec, runExec, step, type HostRun } from './host-run.ts';
import { finishLastDrain, hostViewScript, parseHostView, type HostState, type HostView } from './host-state.ts';
import { acquireHostLock, keepHostLock, releaseHostLock } from './lock.ts';
import { switchAndVerify } from './proxy.ts';
import { exportLines, pickPort, unlockScript } from './remote-scripts.ts';
import { join } from './shell.ts';
import type { LiveSlot } from './upstream.ts';

export interface HostDeployResult {
  live: LiveSlot;
  previous?: LiveSlot;
  /** Time the new version took to answer its health check (ms), for the bench. */
  healthyAfterMs: number;
  /** From the start of the host's deploy (before connecting) to traffic switched and verified (ms). */
  switchedAfterMs: number;
}

/**
 * Deploys `image` to the host behind `run`. Takes the host lock first and releases it on every path.
 * Changes, in order: leftover containers, the new container, the upstream file (+ nginx reload), the
 * state file, then the old container (after the drain period).
 */
export async function deployContainerHost(run: HostRun, src: ContainerSource, target: VersionWanted): Promise<HostDeployResult> {
  const started = run.startedAt ?? run.clock.now();
  // The lock and the host's state in one round trip: the state is read only under the lock.
  const { output } = await acquireHostLock(run, hostViewScript(run, containerInspectScript(src.runtime, run.doc.metadata.name)));
  const keeper = keepHostLock(run);
  const lock = { released: false, keeper };
  try {
    return await deployLocked(run, src, target, started, parseHostView(output), lock);
  } finally {
    keeper.stop();
    if (!lock.released) await releaseHostLock(run);
  }
}

/** A version to deploy, or the host's previous one (rollback). */
export type VersionWanted = { version: string } | { previous: true };

async function deployLocked(run: HostRun, src: ContainerSource, target: VersionWanted, started: number, view: HostView, lock: { released: boolean; keeper: { stop(): void } }): Promise<HostDeployResult> {
  const app = run.doc.metadata.name;
  const { health, strategy } = run.doc.spec;
  const rt = (view.sections.runtime ?? '') as Runtime;
  const containers = parseContainers(view.sections.containers);
  // Live only if nginx points at it and it runs; anything else of this app is a leftover of a killed run.
  const old = view.state.live && containers.running.includes(view.state.live.container ?? '') ? view.state.live : undefined;
  if ('previous' in target && !view.state.previous) throw fail(run, 'rollback', 'no previous version recorded on this host');
  const image = 'version' in target ? target.version : (view.state.previous as LiveSlot).version;
  // A rollback uses the image the host kept; it is pulled only if it was pruned since.
  const pull = 'version' in target ? src.pull : 'missing';
  const slot = CONTAINER_SLOTS.find((s) => s !== old?.slot) ?? CONTAINER_SLOTS[0];
  const name = containerName(app, slot);
  const leftovers = containers.all.filter((n) => n !== old?.container);
  if (leftovers.length) await finishLastDrain(run, view.state);
  for (const leftover of leftovers) {
    await step(run, 'cleanup', `removing leftover container ${leftover}`, () => mustExec(run, 'cleanup', stopAndRemoveScript(rt, leftover, 1)));
  }

  const pullCmd = pullScript(rt, image, pull);
  if (pullCmd) await step(run, 'pull', `pulling ${image}`, () => mustExec(run, 'pull', pullCmd));

  const taken = new Set([...view.used, ...(old ? [old.port] : [])]);
  const port = await startContainer(run, rt, src, { app, slot, image, taken });
  const live: LiveSlot = { slot, port, version: image, container: name, since: '', deployId: run.deployId };
  const state: HostState = { live, previous: old ?? view.state.previous };
  let healthyAfterMs: number;
  try {
    healthyAfterMs = await gate(run, rt, name, port);
    live.since = new Date().toISOString();
    await switchAndVerify(run, live, state, old, view.state);
  } catch (err) {
    // Before the switch (or a switch that did not take): the old version keeps serving.
    await runExec(run, 'cleanup', stopAndRemoveScript(rt, name, 1)).catch(() => undefined);
    throw err;
  }
  const switchedAfterMs = run.clock.now() - started;

  const unlock = unlockScript(app, run.holder);
  if (old?.container) {
    const container = old.container;
    await step(run, 'drain', `letting ${container} finish in-flight requests`, () => run.clock.sleep(strategy.drain));
    const stop = stopAndRemoveScript(rt, container, Math.max(1, Math.ceil(health.timeout / 1000)));
    // Stopping the old container and releasing the lock share a round trip.
    lock.keeper.stop();
    await step(run, 'cleanup', `stopping ${container}`, () => mustExec(run, 'cleanup', `${stop} && ${unlock}`));
  } else {
    lock.keeper.stop();
    await step(run, 'unlock', 'releasing the deploy lock', () => mustExec(run, 'unlock', unlock));
  }
  lock.released = true;
  return { live, previous: state.previous, healthyAfterMs, switchedAfterMs };
}

/**
 * Starts the new container on a port from the range. The port was free when the host was inspected,
 * but something may take it meanwhile, so a bind failure moves on to another port (three tries).
 */
async function startContainer(run: HostRun, rt: Runtime, src: ContainerSource, c: { app: string; slot: string; image: string; taken: Set<number> }): Promise<number> {
  const env = { ...src.env, ...run.secretEnv };
  const name = containerName(c.app, c.slot);
  for (let attempt = 1; ; attempt++) {
    const port = pickPort(src.portRange, c.taken, run.random());
    if (port === undefined) throw fail(run, 'start', `no free port in ${src.portRange.from}-${src.portRange.to}`);
    c.taken.add(port);
    const argv = runArgs(rt, {
      app: c.app, slot: c.slot, image: c.image, hostPort: port, containerPort: src.containerPort, envNames: Object.keys(env),
      args: src.args, runOptions: src.runOptions, deployId: run.deployId,
    });
    const r = await step(run, 'start', `starting ${name} from ${c.image} on 127.0.0.1:${port}`, () => runExec(run, 'start', 'sh -s', { stdin: runScript(exportLines(env), argv) }));
    if (r.code === 0) return port;
    if (attempt >= 3 || !/address already in use/i.test(r.stderr)) throw commandFailed(run, 'start', r);
    await runExec(run, 'start', join(removeArgs(rt, name))).catch(() => undefined);
  }
}

/** The health gate for a new container; on failure the error carries the last answer and its logs. */
async function gate(run: HostRun, rt: Runtime, name: string, port: number): Promise<number> {
  const { health } = run.doc.spec;
  return step(run, 'health', `waiting for GET ${health.path} = ${health.expectStatus} on 127.0.0.1:${port}`, async () => {
    const result = await waitHealthy(httpProbe(run.remote, port, health.path, health.expectStatus), health, run.clock);
    if (result.ok) return result.elapsedMs;
    const logs = await runExec(run, 'health', `${join(logsArgs(rt, name, 10))} 2>&1`).catch(() => undefined);
    const logText = logs?.stdout.trim() ? `; container logs: ${excerpt(logs.stdout)}` : '';
    throw fail(run, 'health', `${name} not healthy after ${result.attempts} checks in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.last}${logText}`);
  });
}
