/** `--log-format json`: apply's progress as JSON log lines, with credentials nowhere in them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { writeProject } from '../helpers/project.ts';

const CANARY_KEY = 'canary-vultr-key-5f1b2c';
const CANARY_TOKEN = 'canary-cloudflare-token-9e3d7a';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ speed: 100_000, rateLimits: false, tokens: { vultr: CANARY_KEY, cloudflare: CANARY_TOKEN } });
});
afterEach(() => sim.stop());

describe('--log-format json', () => {
  it('writes one JSON line per apply event on stderr, and no credential anywhere', async () => {
    const dir = await writeProject({
      owner: 'logs',
      servers: [{ name: 'box-0' }],
      zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'www', type: 'A', servers: ['box-0'] }] }],
    });
    const r = await runCli(['--log-format', 'json', 'apply', '--yes', '--dir', dir], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    const events = lines.map((l) => JSON.parse(l) as { event: string; change: string; level: number; msg: string });
    const done = events.filter((e) => e.event === 'apply.done').map((e) => e.change);
    expect(done).toHaveLength(2);
    expect(done.some((id) => id.startsWith('Server/box-0'))).toBe(true);
    expect(done.some((id) => id.includes('www.example.com'))).toBe(true);
    expect(events.some((e) => e.event === 'apply.start')).toBe(true);
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(CANARY_KEY);
      expect(text).not.toContain(CANARY_TOKEN);
    }
  });
});
