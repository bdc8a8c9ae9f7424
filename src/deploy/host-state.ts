/**
 * What keelson records on each host: the live slot and the previous one (for rollback), in a small
 * JSON file written atomically. The upstream file's marker wins over this file when they disagree
 * (a deploy killed between the reload and the record), so the state is always recoverable.
 */
import { mustExec, type HostRun } from './host-run.ts';
import { inspectScript, usedPorts, parseSections, stateDir, writeFileScript } from './remote-scripts.ts';
import { parseUpstreamMarker, type LiveSlot } from './upstream.ts';

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
  const script = inspectScript(run.doc.metadata.name, run.doc.spec.proxy.nginx.upstreamFile);
  return extra ? `${script}\n${extra}` : script;
}

/** Reads hostViewScript's output. Pure. */
export function parseHostView(stdout: string): HostView {
  const s = parseSections(stdout);
  const upstream = s.upstream ?? '';
  return {
    state: reconcileState(parseState(s.state ?? ''), parseUpstreamMarker(upstream)),
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
