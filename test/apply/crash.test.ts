/**
 * Crash test: a real `keelson apply` child process is SIGKILLed at 20 random moments of a 10-server,
 * 30-record apply (after a random number of write calls reached the simulator, plus a random delay),
 * and run again each time; the end state is exactly the desired one: every server once, every record
 * once, nothing foreign touched, and the next plan is empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { startSimulator, type SimResponseEvent } from '../../src/sim/index.ts';
import { loadOk, writeProject, type ProjectDesc } from '../helpers/project.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const desc: ProjectDesc = {
  owner: 'crashy',
  vultrRequestsPerSecond: 30,
  servers: Array.from({ length: 10 }, (_, i) => ({ name: `vm-${i}`, region: ['ewr', 'ams', 'lax', 'fra'][i % 4]! })),
  zones: [{
    name: 'main',
    zone: 'example.com',
    records: [
      ...Array.from({ length: 10 }, (_, i) => ({ name: `vm-${i}`, type: 'A' as const, servers: [`vm-${i}`] })),
      ...Array.from({ length: 20 }, (_, i) => ({ name: `note-${i}`, type: 'TXT' as const, value: `note ${i}` })),
    ],
  }],
};

function runApply(dir: string, env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'keelson.js'), 'apply', '--yes', '--parallelism', '6', '--dir', dir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void done.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(`apply exited ${code}: ${err.slice(-2000)}\n`);
  });
  return { child, done };
}

/**
 * Kill moments, two per trial, ten trials: the first run dies after its nth write call (1..9 of its
 * ~13: ten creates, then record batches) plus 0..40 ms; the second, which then has at least one
 * create and the batches left, after its 1st or 2nd write plus 0..40 ms. A third run finishes.
 */
const firstKills = fc.sample(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 40 })), { numRuns: 10, seed: 20 });
const secondKills = fc.sample(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 40 })), { numRuns: 10, seed: 21 });
let kills = 0;

describe('SIGKILL during apply', () => {
  it.each(Array.from({ length: 10 }, (_, i) => i))('trial %i: killed twice, rerun, ends exactly as desired', async (trial) => {
    let onWrite: (() => void) | undefined;
    const sim = await startSimulator({
      speed: 20_000, rateLimits: false,
      onResponse: (e: SimResponseEvent) => {
        if (e.method !== 'GET') onWrite?.();
      },
    });
    try {
      const dir = await writeProject(desc);
      const env = {
        ...process.env,
        VULTR_API_KEY: sim.tokens.vultr, VULTR_BASE_URL: sim.vultrBaseUrl,
        CLOUDFLARE_API_TOKEN: sim.tokens.cloudflare, CLOUDFLARE_BASE_URL: sim.cloudflareBaseUrl,
        KEELSON_INSTALL_POLL_MS: '20', NO_COLOR: '1', KEELSON_LOCK: 'none',
      };
      for (const [nth, delay] of [firstKills[trial]!, secondKills[trial]!]) {
        const run = runApply(dir, env);
        let writes = 0;
        onWrite = () => {
          writes += 1;
          if (writes === nth) setTimeout(() => run.child.kill('SIGKILL'), delay);
        };
        if ((await run.done) === null) kills += 1;
        onWrite = undefined;
      }
      const final = runApply(dir, env);
      expect(await final.done).toBe(0);

      const { project, manifests } = await loadOk(dir);
      const conn = connectEndpoints(simulatorEndpoints(sim), project.providers);
      const { plan, live } = await observeAndPlan(project, manifests, conn.providers);
      expect(plan.changes.map((c) => c.id)).toEqual([]);
      const servers = live.servers.filter((s) => s.ownership?.owner === 'crashy');
      expect(servers.map((s) => s.ownership!.name).sort()).toEqual(desc.servers!.map((s) => s.name).sort());
      const records = live.records.filter((r) => r.ownership?.owner === 'crashy');
      expect(records).toHaveLength(30);
      for (const s of servers) {
        expect(records.filter((r) => r.fqdn === `${s.ownership!.name}.example.com`).map((r) => r.content)).toEqual([s.ipv4]);
      }
      expect(sim.admin.foreignTouches()).toEqual([]);
    } finally {
      await sim.stop();
    }
  }, 120_000);

  it('killed the child at every one of the 20 moments', () => {
    expect(kills).toBe(20);
  });
});
