/** `keelson sim` as a separate process, as a user runs it: its printed `export NAME=value` lines read back. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The variables `keelson sim` prints (`export NAME=value`, values shell-quoted when needed); undefined until all of them are there. */
export function parseSimEnv(out: string): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    env[m[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return 'KEELSON_INSTALL_POLL_MS' in env ? env : undefined;
}

export interface SimProcess {
  child: ChildProcessWithoutNullStreams;
  env: Record<string, string>;
  stderr: () => string;
  /** SIGTERM, resolved with the exit code. */
  stop(): Promise<number | null>;
}

const started = new Set<ChildProcessWithoutNullStreams>();

/** Kills every simulator process still running (call from afterAll: a timed-out test leaves none behind). */
export function killSimProcesses(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
}

/**
 * Starts `keelson <args>` (a `sim` command line) and resolves once it has printed its environment;
 * rejects (and kills it) when it reports an error instead.
 */
export function startSimProcess(args: string[], cwd = ROOT): Promise<SimProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/keelson.js'), ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  started.add(child);
  let out = '';
  let err = '';
  let fail: ((e: Error) => void) | undefined;
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (/^(internal )?error/m.test(err)) {
      child.kill('SIGKILL');
      fail?.(new Error(`keelson ${args.join(' ')} failed: ${err}`));
    }
  });
  const stop = (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    fail = reject;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const env = parseSimEnv(out);
      if (env) resolve({ child, env, stderr: () => err, stop });
    });
    child.on('exit', (code) => reject(new Error(`keelson ${args.join(' ')} exited early (${code}): ${err}`)));
  });
}
