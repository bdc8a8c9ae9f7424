/**
 * The nginx switch as it runs on the host, and how keelson later tells what nginx really serves.
 *
 * The switch runs detached from the SSH session (its own session via setsid, SIGHUP and SIGPIPE
 * ignored, input and output in files under the state folder): a keelson killed mid-switch, or a lost
 * connection, can no longer stop it between renaming the upstream file and reloading nginx. It
 * completes (reload and state file) or restores the previous file. keelson waits for its exit code
 * file and reads its output back. Pure builders; each returns the exact text sent over SSH.
 */
import { quote } from './shell.ts';
import { stateDir } from './remote-scripts.ts';
import { parseUpstreamMarker, type LiveSlot } from './upstream.ts';

/** Where the switch keeps its input (the new upstream file), output, error output and exit code. */
export function switchDir(app: string): string {
  return `${stateDir(app)}/switch`;
}

/** Prints the pid file nginx's configuration names, parsed from `nginx -T` output in `$conf`. */
const PID_FROM_CONF = `sed -n 's/^[[:space:]]*pid[[:space:]]\\{1,\\}\\([^;]*\\);.*/\\1/p' | head -n 1`;

/**
 * The switch itself (run detached, stdin = the new upstream file): replace the file atomically, test
 * the configuration (`nginx -T`), reload. On a failed test or reload the previous file is put back
 * (exit 3 / 4, nginx's output on stderr), so nginx's config on disk stays one that passed the test.
 * With `state`, writes the state file right after the reload (exit 5 if that fails). Then waits (up
 * to 10 s, on the host) until every worker that accepts connections was started by this reload, and
 * prints `master=`, `workers-before=` and the final worker list after `@@workers`.
 */
function switchBody(upstreamFile: string, nginx: string, state?: { path: string; content: string }): string {
  const f = quote(upstreamFile);
  // The state file is written only once nginx took the new upstream (no secrets in it: slots, ports, versions).
  const record = state ? [`printf '%s\\n' ${quote(state.content)} >${quote(`${state.path}.keelson-tmp`)} && mv -f ${quote(`${state.path}.keelson-tmp`)} ${quote(state.path)} || exit 5`] : [];
  const restore = `if [ -e ${f}.keelson-prev ]; then mv -f ${f}.keelson-prev ${f}; else rm -f ${f}; fi`;
  return [
    `if [ -e ${f} ]; then cp -p ${f} ${f}.keelson-prev; else rm -f ${f}.keelson-prev; fi`,
    `cat >${f}.keelson-tmp && mv -f ${f}.keelson-tmp ${f} || exit 2`,
    // `-T` tests the configuration like `-t` and also prints it, so one parse yields the pid file too.
    `if ! conf=$(${nginx} -T 2>${f}.keelson-err); then ${restore}; cat ${f}.keelson-err >&2; rm -f ${f}.keelson-err; exit 3; fi; rm -f ${f}.keelson-err`,
    `pidf=$(printf '%s\\n' "$conf" | ${PID_FROM_CONF})`,
    `master=$(cat "$pidf" 2>/dev/null); echo "master=$master"`,
    `before=''; [ -z "$master" ] || before=$(ps -o pid= --ppid "$master" | tr -s ' \\n' '  '); echo "workers-before=$before"`,
    `if ! out=$(${nginx} -s reload 2>&1); then ${restore}; printf '%s\\n' "$out" >&2; exit 4; fi`,
    ...record,
    '[ -n "$master" ] || exit 0',
    'i=0; while [ $i -lt 200 ]; do',
    '  w=$(ps -o pid=,args= --ppid "$master"); stale=0; fresh=0',
    `  for p in $(printf '%s\\n' "$w" | grep 'worker process$' | awk '{print $1}'); do`,
    '    case " $before " in *" $p "*) stale=1 ;; *) fresh=1 ;; esac',
    '  done',
    '  [ $stale = 0 ] && [ $fresh = 1 ] && break',
    '  sleep 0.05; i=$((i+1))',
    'done',
    `echo @@workers; printf '%s\\n' "$w"`,
  ].join('\n');
}

/**
 * The command keelson sends (stdin = the new upstream file): saves the input, starts the switch
 * detached, waits for its exit code file and replays its output and exit code. If this command dies
 * (SSH lost, keelson killed), the switch carries on. Exit 6 if the switch ended without an exit code
 * (killed on the host itself); recovery then reads what nginx serves (`nginxViewScript`).
 */
export function switchScript(app: string, upstreamFile: string, nginx: string, state?: { path: string; content: string }): string {
  const detached = [
    "trap '' HUP PIPE",
    `(${switchBody(upstreamFile, nginx, state)}\n) <"$1/in" >"$1/out" 2>"$1/err"`,
    'echo $? >"$1/rc.tmp" && mv -f "$1/rc.tmp" "$1/rc"',
  ].join('\n');
  return [
    `d=${quote(switchDir(app))}; mkdir -p "$d" && rm -f "$d/rc" "$d/out" "$d/err" && cat >"$d/in" || exit 2`,
    `setsid sh -c ${quote(detached)} keelson-switch "$d" </dev/null >/dev/null 2>&1 &`,
    'wait $!',
    '[ -e "$d/rc" ] || { echo "the switch on the host ended without an exit code" >&2; exit 6; }',
    'cat "$d/out"; cat "$d/err" >&2; exit "$(cat "$d/rc")"',
  ].join('\n');
}

/**
 * Prints, as sections, what tells whether the running nginx loaded the upstream file: `@@nginx` with
 * `clock NOW UPTIME1 UPTIME2 TICKS`, `mtime FILE-MTIME` and one `worker PID STARTTIME` line per
 * worker that accepts connections (start time in clock ticks since boot), then `@@previous`: the file
 * as it was before the last switch. Nothing under `@@nginx` when nginx has no running master.
 */
export function nginxViewScript(upstreamFile: string, nginx: string): string {
  const f = quote(upstreamFile);
  return [
    'echo @@nginx',
    `pidf=$(${nginx} -T 2>/dev/null | ${PID_FROM_CONF}); master=$(cat "$pidf" 2>/dev/null)`,
    `if [ -n "$master" ] && [ -e ${f} ]; then`,
    '  u1=$(cut -d" " -f1 /proc/uptime); now=$(date +%s.%N); u2=$(cut -d" " -f1 /proc/uptime)',
    '  echo "clock $now $u1 $u2 $(getconf CLK_TCK)"',
    `  echo "mtime $(date -r ${f} +%s.%N)"`,
    `  for p in $(ps -o pid=,args= --ppid "$master" | grep 'worker process$' | awk '{print $1}'); do echo "worker $p $(cut -d" " -f22 /proc/$p/stat 2>/dev/null)"; done`,
    'fi',
    `echo @@previous; cat ${f}.keelson-prev 2>/dev/null; true`,
  ].join('\n');
}

/**
 * Which upstream file the running nginx uses: `file` when its workers started after the file was
 * last written (a reload or start read it), `previous` when every worker is older than the file (a
 * switch renamed the file but its reload never happened), `unknown` without a running nginx master.
 * Times are compared on the boot clock; `margin` seconds absorb the tick size and the clock reads. Pure.
 */
export function loadedUpstream(section: string | undefined, margin = 0.02): 'file' | 'previous' | 'unknown' {
  const lines = (section ?? '').split('\n');
  const clock = lines.find((l) => l.startsWith('clock '))?.split(' ').map(Number);
  const mtime = Number(lines.find((l) => l.startsWith('mtime '))?.split(' ')[1]);
  const starts = lines.filter((l) => l.startsWith('worker ')).map((l) => Number(l.split(' ')[2])).filter((n) => Number.isFinite(n) && n > 0);
  if (!clock || clock.length < 5 || !Number.isFinite(mtime) || starts.length === 0) return 'unknown';
  const [, now, u1, u2, ticks] = clock as [number, number, number, number, number];
  const bootAt = now - (u1 + u2) / 2;
  const oldestWorker = Math.min(...starts) / ticks;
  return oldestWorker + margin + (u2 - u1) < mtime - bootAt ? 'previous' : 'file';
}

/** The live slot as nginx really serves it, from the upstream file, the previous one and `@@nginx`. Pure. */
export function servedSlot(upstream: string, previous: string, nginxSection: string | undefined): { live?: LiveSlot; loaded: 'file' | 'previous' | 'unknown' } {
  const loaded = loadedUpstream(nginxSection);
  return { live: parseUpstreamMarker(loaded === 'previous' ? previous : upstream), loaded };
}
