/**
 * The repository lock end to end: real `keelson apply` processes on one repository with a real bare
 * git remote, against one simulator on 127.0.0.1:0. Ten at once: exactly one applies, the rest wait or
 * exit naming the holder, nothing is created twice. A SIGKILLed holder: the next run waits for the
 * expiry, takes over and converges. A holder paused past its expiry (SIGSTOP) and taken over makes no
 * further write once it resumes (the simulator's per-endpoint call counters do not move).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { lockStatus } from '../../src/lock/admin.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { startSimulator, type Simulator, type SimResponseEvent } from '../../src/sim/index.ts';
import { repoWithRemote, type RepoWithRemote } from '../helpers/lock-remote.ts';
import { loadOk, writeProject, type ProjectDesc } from '../helpers/project.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'keelson.js');
const desc: ProjectDesc = {
  owner: 'locky',
  servers: Array.from({ length: 3 }, (_, i) => ({ name: `vm-${i}`, region: ['ewr', 'ams', 'lax'][i]! })),
  zones: [{ name: 'main', zone: 'example.com', records: [
    ...Array.from({ length: 3 }, (_, i) => ({ name: `vm-${i}`, type: 'A' as const, servers: [`vm-${i}`] })),
    { name: 'note', type: 'TXT' as const, value: 'one writer at a time' },
  ] }],
};

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(lock: Record<string, string>, onResponse?: (e: SimResponseEvent) => void): Promise<{ sim: Simulator; repo: RepoWithRemote; env: NodeJS.ProcessEnv }> {
  const sim = await startSimulator({ speed: 20_000, rateLimits: false, ...(onResponse && { onResponse }) });
  cleanups.push(() => sim.stop());
  const dir = await writeProject(desc);
  const file = join(dir, 'keelson.yaml');
  const project = parse(readFileSync(file, 'utf8')) as { spec: Record<string, unknown> };
  project.spec.lock = lock;
  writeFileSync(file, stringify(project));
  const repo = repoWithRemote(dir);
  cleanups.push(() => repo.remove());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VULTR_API_KEY: sim.tokens.vultr, VULTR_BASE_URL: sim.vultrBaseUrl,
    CLOUDFLARE_API_TOKEN: sim.tokens.cloudflare, CLOUDFLARE_BASE_URL: sim.cloudflareBaseUrl,
    KEELSON_INSTALL_POLL_MS: '20', NO_COLOR: '1',
  };
  delete env.KEELSON_LOCK;
  return { sim, repo, env };
}

function apply(dir: string, env: NodeJS.ProcessEnv, extra: string[] = []): Run {
  const child = spawn(process.execPath, [BIN, 'apply', '--yes', '--parallelism', '1', '--dir', dir, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

const writes = (sim: Simulator) => Object.fromEntries(Object.entries(sim.admin.counters()).filter(([k]) => !k.startsWith('GET ')));

async function expectConverged(sim: Simulator, dir: string): Promise<void> {
  const { project, manifests } = await loadOk(dir);
  const conn = connectEndpoints(simulatorEndpoints(sim), project.providers);
  const { plan, live } = await observeAndPlan(project, manifests, conn.providers);
  expect(plan.changes.map((c) => c.id)).toEqual([]);
  expect(live.servers.filter((s) => s.ownership?.owner === 'locky').map((s) => s.ownership!.name).sort()).toEqual(['vm-0', 'vm-1', 'vm-2']);
  expect(live.records.filter((r) => r.ownership?.owner === 'locky')).toHaveLength(4);
  const st = await lockStatus(dir);
  expect(st.state.kind === 'lock' && st.state.record.state).toBe('released');
}

describe('keelson apply under the repository lock', () => {
  it('10 at once: exactly one applies, the others wait or exit naming the holder; nothing twice; the lock is free after', async () => {
    const { sim, repo, env } = await setup({ ttl: '2m' });
    const runs = Array.from({ length: 10 }, (_, i) => apply(repo.dir, env, i % 2 === 0 ? ['--lock-wait', '5m'] : []));
    const results = await Promise.all(runs.map((r) => r.done));
    const applied = results.filter((r) => /applied [1-9][0-9]* of/.test(r.stdout));
    expect(applied, results.map((r) => r.stderr).join('\n---\n')).toHaveLength(1);
    for (const [i, r] of results.entries()) {
      if (i % 2 === 0) expect(r.code, r.stderr).toBe(0);
      else if (r.code !== 0) expect(r.stderr).toMatch(/refs\/keelson\/lock on origin \(.*\) is locked by \S+@\S+ pid \d+ \(apply, epoch \d+/);
    }
    expect(results.filter((r) => r.code !== 0).length).toBeGreaterThan(0);
    expect(sim.admin.count('POST /v2/instances')).toBe(3);
    await expectConverged(sim, repo.dir);
  }, 1_200_000);

  it('SIGKILL the holder: the next apply waits for the expiry, takes over saying so, and converges', async () => {
    let onWrite: (() => void) | undefined;
    const { sim, repo, env } = await setup({ ttl: '3s', renew: '500ms' }, (e) => e.method !== 'GET' && onWrite?.());
    const first = apply(repo.dir, env);
    onWrite = () => {
      onWrite = undefined;
      first.child.kill('SIGKILL');
    };
    expect((await first.done).code).toBeNull();
    const st = await lockStatus(repo.dir);
    expect(st.state.kind === 'lock' && st.state.record.state).toBe('held');
    const second = await apply(repo.dir, env, ['--lock-wait', '2m']).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/lock: took over the expired lock of \S+ pid \d+ \(apply, epoch 1\), stale for \d+\.\ds/);
    expect(sim.admin.count('POST /v2/instances')).toBe(3);
    await expectConverged(sim, repo.dir);
  }, 900_000);

  it('a holder paused past its expiry and taken over makes no further write when it resumes', async () => {
    let onWrite: (() => void) | undefined;
    const { sim, repo, env } = await setup({ ttl: '3s', renew: '500ms' }, (e) => e.method !== 'GET' && onWrite?.());
    const paused = apply(repo.dir, env);
    const stopped = new Promise<void>((resolve) => {
      onWrite = () => {
        onWrite = undefined;
        paused.child.kill('SIGSTOP');
        resolve();
      };
    });
    await stopped;
    const taker = await apply(repo.dir, env, ['--lock-wait', '2m']).done;
    expect(taker.code, taker.stderr).toBe(0);
    expect(taker.stderr).toMatch(/took over the expired lock/);
    const before = writes(sim);
    paused.child.kill('SIGCONT');
    const resumed = await paused.done;
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/refs\/keelson\/lock on origin .* lost \(this run held epoch 1\): (taken over by|released by someone else).*stopped before the next write/);
    expect(writes(sim)).toEqual(before);
    expect(sim.admin.count('POST /v2/instances')).toBe(3);
    await expectConverged(sim, repo.dir);
  }, 900_000);
});
