/**
 * Runs the real `bin/keelson.js` as a child process against a simulator, as CI runs it: the exit
 * code is the process's own, so a process that quits early (exit 13) or never exits shows up here.
 * A child still running at `killAfterMs` is killed and reported with `code: null` (never left behind).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Simulator } from '../../src/sim/index.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'keelson.js');

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment that points a child keelson at `sim`. */
export function childSimEnv(sim: Simulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VULTR_API_KEY: sim.tokens.vultr, VULTR_BASE_URL: sim.vultrBaseUrl,
    CLOUDFLARE_API_TOKEN: sim.tokens.cloudflare, CLOUDFLARE_BASE_URL: sim.cloudflareBaseUrl,
    KEELSON_INSTALL_POLL_MS: '20', NO_COLOR: '1', FORCE_COLOR: '',
    ...extra,
  };
}

export function runKeelson(args: string[], env: NodeJS.ProcessEnv, killAfterMs = 120_000): Promise<ChildRun> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}
