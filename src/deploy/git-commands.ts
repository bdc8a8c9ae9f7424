/**
 * Commands for git-sourced process slots: two checkouts per app under `git.root`, each run by a small
 * supervisor (a restart loop in its own session, so it survives the SSH session). Pure builders.
 */
import { join, quote } from './shell.ts';
import { stateDir } from './remote-scripts.ts';

export function slotDir(root: string, slot: string): string {
  return `${root.replace(/\/+$/, '')}/${slot}`;
}

/** The supervisor's pid file (its process group is the app's) and log, under the state folder. */
export function slotFiles(app: string, slot: string): { pid: string; log: string } {
  return { pid: `$HOME/${stateDir(app)}/${slot}.pid`, log: `$HOME/${stateDir(app)}/${slot}.log` };
}

/**
 * Clones the repository into the slot if needed, fetches, and checks out `ref` (branch, tag or commit)
 * detached, discarding local changes. Prints the commit. Safe to repeat.
 */
export function checkoutScript(root: string, slot: string, repo: string, ref: string): string {
  const dir = quote(slotDir(root, slot));
  return [
    'set -e',
    `mkdir -p ${quote(root)}`,
    `if [ ! -d ${dir}/.git ]; then rm -rf ${dir}; ${join(['git', 'clone', '--quiet', '--no-checkout', repo])} ${dir}; fi`,
    `cd ${dir}`,
    join(['git', 'remote', 'set-url', 'origin', repo]),
    // A branch, tag or (where the server allows it) commit resolves through FETCH_HEAD in one fetch;
    // otherwise fetch everything and check the ref out by name.
    `if ${join(['git', 'fetch', '--quiet', 'origin', ref])} 2>/dev/null; then git checkout --quiet --force --detach FETCH_HEAD; else ${join(['git', 'fetch', '--quiet', '--prune', '--tags', 'origin'])} && ${join(['git', 'checkout', '--quiet', '--force', '--detach', ref])}; fi`,
    'git clean --quiet -fd',
    'git rev-parse HEAD',
  ].join('\n');
}

/**
 * Runs the build command in the slot (part of a script for `sh -s`; the environment is exported
 * first). Exits with the build's code on failure; prints `@@built` on success.
 */
export function buildScript(exports: string, root: string, slot: string, build: string): string {
  return `${exports}(cd ${quote(slotDir(root, slot))} && exec sh -c ${quote(build)}) || exit $?\necho @@built\n`;
}

/**
 * Starts the slot under its supervisor (sent to `sh -s`): `setsid` puts the restart loop in its own
 * session, so it outlives the SSH session, and in its own process group, so stop can signal the app
 * with it. Waits up to 2 s for the pid file.
 */
export function startSlotScript(exports: string, app: string, root: string, slot: string, port: number, start: string): string {
  const f = slotFiles(app, slot);
  const loop = 'echo $$ >"$0"; while :; do sh -c "$KEELSON_START"; echo "keelson: app exited with $?, restarting in 1 s" >&2; sleep 1; done';
  return [
    `${exports}export PORT=${port} KEELSON_START=${quote(start)}`,
    `pidf="${f.pid}"; log="${f.log}"; mkdir -p "$(dirname "$pidf")"; rm -f "$pidf"`,
    `cd ${quote(slotDir(root, slot))}`,
    `setsid sh -c ${quote(loop)} "$pidf" </dev/null >>"$log" 2>&1 &`,
    'i=0; while [ ! -s "$pidf" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done',
    '[ -s "$pidf" ] || { echo "supervisor did not start" >&2; exit 1; }',
    '',
  ].join('\n');
}

/**
 * True (exit 0) while a non-zombie process is left in the supervisor's session: an init that reaps
 * slowly leaves zombies that `kill -0` still counts as alive.
 */
function aliveTest(pid: string): string {
  return `ps -o stat= -s ${pid} 2>/dev/null | grep -qv '^Z'`;
}

/** Stops the slot's supervisor and app (TERM to the group, KILL after 5-6 s). Safe to repeat. */
export function stopSlotScript(app: string, slot: string): string {
  const f = slotFiles(app, slot);
  return [
    `pidf="${f.pid}"`,
    'if [ -s "$pidf" ]; then p=$(cat "$pidf")',
    // `kill -SIG -PGID`, not `kill -- -PGID`: dash's kill (Debian's /bin/sh) takes no `--`.
    '  kill -TERM "-$p" 2>/dev/null; end=$(($(date +%s) + 6))',
    // Bounded by the clock, not a count: on a busy host each `ps` takes a while.
    `  while ${aliveTest('"$p"')} && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done`,
    '  kill -KILL "-$p" 2>/dev/null; rm -f "$pidf"',
    'fi; true',
  ].join('\n');
}

/** Prints `running` or `stopped` for the slot's supervisor. */
export function slotStatusScript(app: string, slot: string): string {
  return `p=$(cat "${slotFiles(app, slot).pid}" 2>/dev/null) && ${aliveTest('"$p"')} && echo running || echo stopped`;
}

/** The last lines of the slot's log (for a failed health check). */
export function slotLogScript(app: string, slot: string, lines: number): string {
  return `tail -n ${lines} "${slotFiles(app, slot).log}" 2>/dev/null; true`;
}
