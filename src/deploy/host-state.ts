/**
 * What keelson records on each host: the live slot and the previous one (for rollback), in a small
 * JSON file written atomically. What nginx really serves wins over this file when they disagree: the
 * marker of the upstream file the running nginx loaded (judged by its workers' start time against
 * the file's), so a switch that renamed the file but never reloaded is not taken for live.
 */
import { mustExec, type HostRun } from './host-run.ts';
import { inspectScript, usedPorts, parseSections, stateDir, writeFileScript } from './remote-scripts.ts';
import { servedSlot, nginxViewScript } from './switch-script.ts';
import type { LiveSlot } from './upstream.ts';

export interface HostState {
  live?: LiveSlot;
  previous?: LiveSlot;
}

/** What a deploy learns about a host before changing anything. */
export interface HostView {
  state: HostState;
  /** Local ports of every TCP socket on the host (listening or connected). */
  used: Set<number>;
  /** The upstream file as it is now ('' when missing). */
  upstream: string;
  /** Whether the running nginx loaded that file, or still the one before it (see `loadedUpstream`). */
  loaded: 'file' | 'previous' | 'unknown';
  /** Sections printed by the caller's extra script. */
  sections: Record<string, string>;
}

export function parseState(text: string): HostState {
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as HostState;
    return { live: v.live, previous: v.previous };
  } catch {
    return {};
  }
}

/**
 * The state to act on: the upstream marker names what nginx serves; when the state file says otherwise
 * the run that wrote the marker was killed before recording, so its slot is live and the recorded
 * live slot becomes the previous one. Pure.
 */
export function reconcileState(recorded: HostState, marker: LiveSlot | undefined): HostState {
  if (!marker) return recorded;
  if (recorded.live && recorded.live.slot === marker.slot && recorded.live.port === marker.port && recorded.live.version === marker.version) return recorded;
  const previous = recorded.live && recorded.live.slot !== marker.slot ? recorded.live : recorded.previous;
  return { live: marker, previous };
}

/** The script that prints what `parseHostView` reads, plus whatever `extra` prints. */
export function hostViewScript(run: HostRun, extra?: string): string {
  const { upstreamFile, command } = run.doc.spec.proxy.nginx;
  const script = `${inspectScript(run.doc.metadata.name, upstreamFile)}\n${nginxViewScript(upstreamFile, command)}`;
  return extra ? `${script}\n${extra}` : script;
}

/** Reads hostViewScript's output. Pure. */
export function parseHostView(stdout: string): HostView {
  const s = parseSections(stdout);
  const upstream = s.upstream ?? '';
  // What nginx really serves: the file, or the one before it when a switch's reload never happened.
  const served = servedSlot(upstream, s.previous ?? '', s.nginx);
  return {
    state: reconcileState(parseState(s.state ?? ''), served.live),
    loaded: served.loaded,
    used: usedPorts(s.ports ?? ''),
    upstream,
    sections: s,
  };
}

/** Reads the host's view in one round trip. Changes nothing. */
export async function inspectHost(run: HostRun, extra?: string): Promise<HostView> {
  return parseHostView((await mustExec(run, 'inspect', hostViewScript(run, extra))).stdout);
}

/** Writes the state file atomically. Safe to repeat. */
export async function recordState(run: HostRun, state: HostState): Promise<void> {
  const path = `${stateDir(run.doc.metadata.name)}/state.json`;
  await mustExec(run, 'record', writeFileScript(path), { stdin: `${JSON.stringify(state, null, 2)}\n` });
}

/**
 * Waits out what is left of the drain period of the last switch (`state.live.since`): a deploy killed
 * right after switching never drained its old slot, and nginx's old workers may still be finishing
 * requests there, so that slot is not stopped earlier than a completed deploy would have.
 */
export async function finishLastDrain(run: HostRun, state: HostState): Promise<void> {
  const since = Date.parse(state.live?.since ?? '');
  if (!state.previous || !Number.isFinite(since)) return;
  const left = Math.min(run.doc.spec.strategy.drain, since + run.doc.spec.strategy.drain - run.clock.now());
  if (left > 0) await run.clock.sleep(left);
}
