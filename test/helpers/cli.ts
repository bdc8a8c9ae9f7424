/** Runs the keelson CLI in-process against a simulator (credentials and base URLs in the environment). */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Simulator } from '../../src/sim/index.ts';

export function simEnv(sim: Simulator): Record<string, string> {
  return {
    VULTR_API_KEY: sim.tokens.vultr, VULTR_BASE_URL: sim.vultrBaseUrl,
    CLOUDFLARE_API_TOKEN: sim.tokens.cloudflare, CLOUDFLARE_BASE_URL: sim.cloudflareBaseUrl,
    KEELSON_INSTALL_POLL_MS: '5', NO_COLOR: '1',
    // These tests run one keelson at a time in temp folders without a git remote: no lock, said explicitly.
    KEELSON_LOCK: 'none',
  };
}

export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  process.exitCode = undefined;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await main(['node', 'keelson', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
