/** Simulator credentials never leave this machine: misdirected endpoints are refused before any connection. */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_PROVIDER_SETTINGS, connectProviders, isLoopbackUrl, readEndpoints } from '../../src/providers/connect.ts';
import { DEFAULT_TOKENS, startSimulator } from '../../src/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { writeProject } from '../helpers/project.ts';

const SIM_V = 'http://127.0.0.1:9/v2';
const SIM_CF = 'http://127.0.0.1:9/client/v4';
const REAL_KEY = 'Q'.repeat(36);
const REAL_TOKEN = 'r'.repeat(40);

let connects: MockInstance;
beforeEach(() => {
  connects = vi.spyOn(net.Socket.prototype, 'connect');
});
afterEach(() => connects.mockRestore());

const env = (e: Record<string, string | undefined>): NodeJS.ProcessEnv => ({ ...e });

describe('credentials aimed at the wrong endpoint', () => {
  it.each([
    ['the simulator tokens with CLOUDFLARE_BASE_URL unset', { VULTR_API_KEY: DEFAULT_TOKENS.vultr, VULTR_BASE_URL: SIM_V, CLOUDFLARE_API_TOKEN: DEFAULT_TOKENS.cloudflare }, /VULTR_BASE_URL is set but CLOUDFLARE_BASE_URL is not/],
    ['real credentials with only VULTR_BASE_URL unset', { VULTR_API_KEY: REAL_KEY, CLOUDFLARE_API_TOKEN: REAL_TOKEN, CLOUDFLARE_BASE_URL: SIM_CF }, /CLOUDFLARE_BASE_URL is set but VULTR_BASE_URL is not/],
    ['simulator tokens and no base URL (the real APIs)', { VULTR_API_KEY: DEFAULT_TOKENS.vultr, CLOUDFLARE_API_TOKEN: DEFAULT_TOKENS.cloudflare }, /VULTR_API_KEY \(to the real Vultr API\) and CLOUDFLARE_API_TOKEN \(to the real Cloudflare API\): a simulator token/],
    ['a simulator token to a non-loopback URL', { VULTR_API_KEY: REAL_KEY, VULTR_BASE_URL: 'https://vultr.example.net/v2', CLOUDFLARE_API_TOKEN: 'sim-cloudflare-token', CLOUDFLARE_BASE_URL: 'https://cf.example.net/client/v4' }, /^CLOUDFLARE_API_TOKEN \(to https:\/\/cf\.example\.net\/client\/v4\): a simulator token/],
    ['one credential without the other', { VULTR_API_KEY: REAL_KEY }, /CLOUDFLARE_API_TOKEN not set/],
  ])('refuses %s, before any connection', async (_what, e, message) => {
    expect(() => readEndpoints(DEFAULT_PROVIDER_SETTINGS, env(e))).toThrow(ConfigError);
    await expect(connectProviders(DEFAULT_PROVIDER_SETTINGS, env(e))).rejects.toThrow(message);
    expect(connects).not.toHaveBeenCalled();
  });

  it('accepts the simulator on loopback, real credentials on the real APIs, and names no secret', () => {
    expect(readEndpoints(DEFAULT_PROVIDER_SETTINGS, env({ VULTR_API_KEY: DEFAULT_TOKENS.vultr, VULTR_BASE_URL: SIM_V, CLOUDFLARE_API_TOKEN: DEFAULT_TOKENS.cloudflare, CLOUDFLARE_BASE_URL: SIM_CF }))).toBeDefined();
    expect(readEndpoints(DEFAULT_PROVIDER_SETTINGS, env({ VULTR_API_KEY: REAL_KEY, CLOUDFLARE_API_TOKEN: REAL_TOKEN }))?.vultr.baseUrl).toBeUndefined();
    expect(readEndpoints(DEFAULT_PROVIDER_SETTINGS, env({}))).toBeUndefined();
    expect([isLoopbackUrl('http://[::1]:8/v2'), isLoopbackUrl('http://127.3.0.1/v2'), isLoopbackUrl('http://localhost:1/v2'), isLoopbackUrl('http://127.0.0.1.nip.io/v2'), isLoopbackUrl(undefined)])
      .toEqual([true, true, true, false, false]);
    try {
      readEndpoints(DEFAULT_PROVIDER_SETTINGS, env({ VULTR_API_KEY: DEFAULT_TOKENS.vultr, CLOUDFLARE_API_TOKEN: DEFAULT_TOKENS.cloudflare }));
    } catch (err) {
      expect(String(err)).not.toContain(DEFAULT_TOKENS.vultr);
    }
  });

  it('the connection spy does see what both SDKs open (so "not called" above means something)', async () => {
    const sim = await startSimulator({ rateLimits: false });
    try {
      const conn = await connectProviders(DEFAULT_PROVIDER_SETTINGS, env({
        VULTR_API_KEY: sim.tokens.vultr, VULTR_BASE_URL: sim.vultrBaseUrl, CLOUDFLARE_API_TOKEN: sim.tokens.cloudflare, CLOUDFLARE_BASE_URL: sim.cloudflareBaseUrl,
      }));
      await conn.providers.compute.listServers();
      const afterVultr = connects.mock.calls.length;
      await conn.providers.dns.listZones();
      expect(afterVultr).toBeGreaterThan(0);
      expect(connects.mock.calls.length).toBeGreaterThan(afterVultr);
    } finally {
      await sim.stop();
    }
  });

  it('keelson plan exits 78 with one line and opens no connection', async () => {
    const dir = await writeProject({ owner: 'creds', servers: [{ name: 'box' }] });
    const r = await runCli(['plan', '--dir', dir], { VULTR_API_KEY: DEFAULT_TOKENS.vultr, VULTR_BASE_URL: SIM_V, CLOUDFLARE_API_TOKEN: DEFAULT_TOKENS.cloudflare, CLOUDFLARE_BASE_URL: '' });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: VULTR_BASE_URL is set but CLOUDFLARE_BASE_URL is not/);
    expect(connects).not.toHaveBeenCalled();
  });
});
