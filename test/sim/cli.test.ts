import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import vultrNode from '@vultr/vultr-node';
import { parseSimEnv } from '../helpers/sim-process.ts';
import type { VultrSdk } from './harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('keelson sim', () => {
  it('prints the environment, serves the SDKs and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/keelson.js'), 'sim', '--port', '0', '--speed', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const env = parseSimEnv(out);
        if (env) resolve(env);
      });
      child.on('exit', (code) => reject(new Error(`keelson sim exited early (${code})`)));
    });
    expect(out.trim().split('\n').every((l) => l.startsWith('export '))).toBe(true);
    expect(Object.keys(env)).toEqual(['VULTR_API_KEY', 'VULTR_BASE_URL', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_BASE_URL', 'KEELSON_INSTALL_POLL_MS']);
    // --speed 100: polls every 50 ms instead of every 5 s.
    expect(env.KEELSON_INSTALL_POLL_MS).toBe('50');
    expect(env.VULTR_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(env.CLOUDFLARE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
    const v = vultrNode.initialize({ apiKey: env.VULTR_API_KEY, baseUrl: env.VULTR_BASE_URL }) as unknown as VultrSdk;
    const account = (await v.account.getAccountInfo({})) as { account: { email: string } };
    expect(account.account.email).toBe('ops@example.com');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
