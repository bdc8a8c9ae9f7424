/**
 * Container runtime commands (docker and podman share this CLI surface), built as argument lists by
 * pure functions and tested as exact strings, apart from running them.
 */
import { join } from './shell.ts';

export type Runtime = 'podman' | 'docker';
export type PullPolicy = 'always' | 'missing' | 'never';

/** The two container slots; a new version goes to the one that is not live. */
export const CONTAINER_SLOTS = ['blue', 'green'] as const;

/** A container's name shows the app and the slot. */
export function containerName(app: string, slot: string): string {
  return `${app}-${slot}`;
}

/**
 * Prints, as sections: `@@runtime` (the configured one, or podman, then docker; exit 127 if none),
 * then `@@containers`: the app's containers as `NAME STATUS` lines (running ones read `Up …` in both
 * runtimes). Appended to the host inspection.
 */
export function containerInspectScript(pref: 'auto' | Runtime, app: string): string {
  const order = pref === 'auto' ? ['podman', 'docker'] : [pref];
  return [
    `rt=''; for r in ${order.join(' ')}; do if command -v "$r" >/dev/null 2>&1; then rt=$r; break; fi; done`,
    `[ -n "$rt" ] || { echo 'no container runtime (${order.join(', ')}) found on PATH' >&2; exit 127; }`,
    'echo @@runtime; echo "$rt"',
    `echo @@containers; "$rt" ps -a ${join(['--filter', `label=keelson.app=${app}`, '--format', '{{.Names}} {{.Status}}'])} || exit 1`,
  ].join('\n');
}

/** Reads the `@@containers` section: every container's name, and the running ones. Pure. */
export function parseContainers(text: string | undefined): { all: string[]; running: string[] } {
  const rows = (text ?? '').split('\n').map((l) => l.trim().split(/\s+/)).filter((r) => r[0]);
  return { all: rows.map((r) => r[0] as string), running: rows.filter((r) => r[1] === 'Up').map((r) => r[0] as string) };
}

/** The pull step for a policy, or undefined when nothing is to be pulled. */
export function pullScript(rt: Runtime, image: string, policy: PullPolicy): string | undefined {
  if (policy === 'never') return undefined;
  const pull = join([rt, 'pull', '--quiet', image]);
  if (policy === 'always') return pull;
  return `${join([rt, 'image', 'inspect', image])} >/dev/null 2>&1 || ${pull}`;
}

export interface RunSpec {
  app: string;
  slot: string;
  image: string;
  hostPort: number;
  containerPort: number;
  /** Variable names only: values come from the environment of the runtime process (see `runScript`). */
  envNames: string[];
  args: string[];
  runOptions: string[];
  deployId: string;
}

/** `run -d` for a new container bound to 127.0.0.1:hostPort, labelled with app, slot and version. */
export function runArgs(rt: Runtime, s: RunSpec): string[] {
  return [
    rt, 'run', '--detach', '--init', '--restart', 'unless-stopped',
    '--name', containerName(s.app, s.slot),
    '--label', `keelson.app=${s.app}`, '--label', `keelson.slot=${s.slot}`,
    '--label', `keelson.version=${s.image}`, '--label', `keelson.deploy=${s.deployId}`,
    '--publish', `127.0.0.1:${s.hostPort}:${s.containerPort}`,
    ...s.envNames.flatMap((n) => ['--env', n]),
    ...s.runOptions,
    s.image,
    ...s.args,
  ];
}

/**
 * The script sent on stdin to `sh -s` that starts the container: the environment is exported first,
 * and `--env NAME` (no value) hands it to the container, so no value is ever in a command line.
 */
export function runScript(exports: string, argv: string[]): string {
  return `${exports}exec ${join(argv)}\n`;
}

export function removeArgs(rt: Runtime, name: string): string[] {
  return [rt, 'rm', '--force', name];
}

/**
 * Stops (with a grace period for in-flight requests) and removes a container; fails if it cannot be
 * removed. Safe to repeat on a container that exists.
 */
export function stopAndRemoveScript(rt: Runtime, name: string, graceSeconds: number): string {
  return `${join([rt, 'stop', '-t', String(graceSeconds), name])} >/dev/null 2>&1; ${join(removeArgs(rt, name))} >/dev/null`;
}

export function logsArgs(rt: Runtime, name: string, lines: number): string[] {
  return [rt, 'logs', '--tail', String(lines), name];
}

