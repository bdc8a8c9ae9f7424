/**
 * Host-side scripts shared by container and git deploys: the deploy lock, the state folder, atomic
 * file writes and the host inspection (the nginx switch is in switch-script.ts). Pure builders; each returns the exact text
 * sent over SSH, so tests compare strings.
 */
import { quote } from './shell.ts';

/** Where keelson keeps a deployment's state on a host (relative to the SSH user's home). */
export function stateDir(app: string): string {
  return `.keelson/deploy/${app}`;
}

/**
 * Takes the lock directory atomically (mkdir). A lock past its expiry (judged by the host's clock) is
 * taken over under a second mkdir mutex, so two takers cannot both win. Prints `acquired`, `held` or
 * `took-over`, then the holder lines of the lock that was found. With the lock taken, runs `then`
 * (after a `@@locked` line) in the same round trip.
 */
export function lockScript(app: string, holder: string, ttlSeconds: number, then = ''): string {
  const d = `${stateDir(app)}/lock`;
  const info = `printf 'holder=%s\\nexpires=%s\\n' ${quote(holder)} "$((now + ${ttlSeconds}))" >"$d/info"`;
  return [
    `d=${quote(d)}; now=$(date +%s); mkdir -p ${quote(stateDir(app))}`,
    `if mkdir "$d" 2>/dev/null; then ${info}; echo acquired; else`,
    // A takeover mutex left by a killed keelson is removed after a minute.
    `  find "$d.takeover" -maxdepth 0 -mmin +1 -exec rmdir {} \\; 2>/dev/null`,
    `  if ! mkdir "$d.takeover" 2>/dev/null; then echo held; cat "$d/info" 2>/dev/null; exit 0; fi`,
    `  exp=$(sed -n 's/^expires=//p' "$d/info" 2>/dev/null)`,
    // A lock dir without its info file (killed between mkdir and write) expires a TTL after it was made.
    `  [ -n "$exp" ] || exp=$(( $(stat -c %Y "$d") + ${ttlSeconds} ))`,
    `  if [ "$exp" -gt "$now" ]; then rmdir "$d.takeover"; echo held; cat "$d/info" 2>/dev/null; exit 0; fi`,
    `  old=$(cat "$d/info" 2>/dev/null)`,
    `  rm -rf "$d" && mkdir "$d" && ${info} || { rmdir "$d.takeover"; exit 1; }`,
    `  rmdir "$d.takeover"; echo took-over; printf '%s\\n' "$old"`,
    'fi',
    ...(then ? ['echo @@locked', then] : []),
  ].join('\n');
}

/**
 * Moves the lock's expiry to now + TTL if this holder still has it; prints `refreshed` or `lost`.
 * A deploy runs this while it works, so one that takes longer than the TTL is never taken over.
 */
export function refreshLockScript(app: string, holder: string, ttlSeconds: number): string {
  const d = quote(`${stateDir(app)}/lock`);
  return [
    `if grep -qxF ${quote(`holder=${holder}`)} ${d}/info 2>/dev/null; then now=$(date +%s)`,
    `  printf 'holder=%s\\nexpires=%s\\n' ${quote(holder)} "$((now + ${ttlSeconds}))" >${d}/info.tmp && mv -f ${d}/info.tmp ${d}/info && echo refreshed`,
    'else echo lost; fi',
  ].join('\n');
}

/** Removes the lock only if this holder still has it. Safe to repeat. */
export function unlockScript(app: string, holder: string): string {
  const d = quote(`${stateDir(app)}/lock`);
  return `if grep -qxF ${quote(`holder=${holder}`)} ${d}/info 2>/dev/null; then rm -rf ${d}; fi`;
}

/** Writes stdin to `path` atomically (temp file in the same folder, then rename). */
export function writeFileScript(path: string): string {
  const tmp = quote(`${path}.keelson-tmp`);
  return `mkdir -p "$(dirname ${quote(path)})" && cat >${tmp} && mv -f ${tmp} ${quote(path)}`;
}

/** Reads the host's state file, the upstream file and the listening TCP ports in one round trip. */
export function inspectScript(app: string, upstreamFile: string): string {
  return [
    `echo '@@state'; cat ${quote(`${stateDir(app)}/state.json`)} 2>/dev/null`,
    `echo; echo '@@upstream'; cat ${quote(upstreamFile)} 2>/dev/null`,
    `echo; echo '@@ports'; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null`,
  ].join('\n');
}

/** Splits output made of `@@name` sections. Pure. */
export function parseSections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const m = /^@@([a-z]+)$/.exec(line);
    if (m?.[1]) {
      current = m[1];
      out[current] = '';
    } else if (current) out[current] += `${line}\n`;
  }
  for (const k of Object.keys(out)) out[k] = (out[k] ?? '').trim();
  return out;
}

/**
 * The local ports of every socket in /proc/net/tcp{,6} text, in any state: a port an outgoing
 * connection uses (an ephemeral port) cannot be bound either. Pure.
 */
export function usedPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st …
    if (!/^\d+:$/.test(cols[0] ?? '') || !cols[1]) continue;
    const port = parseInt(cols[1].split(':').pop() ?? '', 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return ports;
}

/** A free port in the range: not listening and not excluded, starting at a random offset. Pure given `rand`. */
export function pickPort(range: { from: number; to: number }, taken: Set<number>, rand: number): number | undefined {
  const size = range.to - range.from + 1;
  const start = Math.floor(rand * size);
  for (let i = 0; i < size; i++) {
    const p = range.from + ((start + i) % size);
    if (!taken.has(p)) return p;
  }
  return undefined;
}

/** Lines exporting environment variables, sent on stdin so values never appear in a command line. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}\n`).join('');
}
