import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upstreamPort } from '../../src/deploy/upstream.ts';
import type { DeploymentDoc } from '../../src/model/types.ts';
import { gitSource } from '../helpers/deployment.ts';
import { cleanupApp, freePort, makeGitRepo, shouldRun, uniqueApp } from './harness/components.ts';
import { killDeployAt, startEnv, waitForLockExpiry, type E2eEnv } from './harness/env.ts';
import { deploysUnderLoad, startLoad, underLoad } from './harness/load.ts';

const APP = uniqueApp('e2e-slots');
const run = shouldRun();

describe.skipIf(!run)('git-sourced process slots over real SSH and nginx, from a bare repository', () => {
  let env: E2eEnv;
  let repo: string;
  let ports: [number, number];
  const doc = (over: { deadline?: number; lockTtl?: number } = {}): DeploymentDoc => env.doc({
    source: { git: gitSource({
      repo, ref: 'v1', root: join(env.dir, 'slots'), slots: [{ name: 'blue', port: ports[0] }, { name: 'red', port: ports[1] }],
      build: 'cp www/index.html www/built.txt', start: 'exec busybox httpd -f -p 127.0.0.1:$PORT -h www',
    }) },
    health: { path: '/health', expectStatus: 200, interval: 50, timeout: 1000, deadline: over.deadline ?? 5000 },
    strategy: { maxParallel: 1, drain: 100, keepPrevious: true, lockTtl: over.lockTtl ?? 60_000 },
  });
  const served = (): string => spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${env.nginx.port}/`]).stdout.toString();

  /** One deploy's duration on this machine now (the first test measures it); budgets derive from it. */
  let stepMs = 0;
  /** Makes `ref` live unless it is: each test starts from a known version, whatever ran before. */
  const ensure = async (ref: string): Promise<void> => {
    if (served() === ref) return;
    const s = await env.deploy(doc(), { version: ref });
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
  };

  beforeAll(async () => {
    cleanupApp(APP);
    env = await startEnv(APP);
    repo = makeGitRepo(env.dir);
    ports = [await freePort('127.0.0.1', { from: 26000, to: 26999 }), await freePort('127.0.0.1', { from: 26000, to: 26999 })];
  }, 300_000);
  afterEach(async (ctx) => env.reset(ctx.task.result?.state === 'fail'));
  afterAll(() => {
    cleanupApp(APP);
    env?.stop();
  });

  it('deploys tag v1 into a slot that keeps running after the SSH session ends', async () => {
    const t0 = performance.now();
    const s = await env.deploy(doc(), { version: 'v1' });
    stepMs = performance.now() - t0;
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    expect(served()).toBe('v1');
    expect(readFileSync(join(env.dir, 'slots', 'blue', 'www', 'built.txt'), 'utf8')).toBe('v1');
  }, 300_000);

  it('20 consecutive deploys v1 → v2 → v1 … under load: 0 failed, every later response from the new version', async () => {
    await ensure('v1');
    const { stats, wrong, checked } = await deploysUnderLoad(env.nginx.port, ['v2', 'v1'], 20, async (version) => {
      const s = await env.deploy(doc(), { version });
      expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    }, 20 * 4 * Math.max(stepMs, 1000));
    expect(stats.failures).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    console.log(`git load: ${stats.total} requests, ${stats.failed} failed, ${stats.retriedOnReusedConnection} retried, ${JSON.stringify(stats.byVersion)}`);
    console.log(`git, never-retrying keep-alive client: ${stats.strictErrors} errors in ${stats.strictTotal} requests over 20 deploys ${JSON.stringify(stats.strictFailures.slice(0, 3))}`);
  }, 1_800_000);

  it('a commit that never gets healthy fails at the health step after several checks, never switches; the live slot keeps serving', async () => {
    await ensure('v1');
    const load = startLoad({ port: env.nginx.port, keepAlive: 2, fresh: 2, maxRequests: 5_000, maxMs: 30_000 + 4 * stepMs, pauseMs: 25 });
    // Long enough for the sick slot to start and answer (404) on this machine now.
    const s = await env.deploy(doc({ deadline: Math.max(1500, stepMs) }), { version: 'sick' });
    const stats = await load.stop();
    expect(s.ok).toBe(false);
    expect(s.hosts[0]?.status === 'failed' && s.hosts[0].error.message).toMatch(/host local, step health failed: slot \w+ not healthy after \d+ checks .*answered 404/);
    expect(s.lines.map((l) => l.split(' ')[1])).not.toContain('switch:');
    expect(s.lines.at(-1)).toMatch(/ health: /);
    expect(stats.failed).toBe(0);
    expect(Object.keys(stats.byVersion)).toEqual(['v1']);
  }, 300_000);

  it('rollback switches back to the previous slot with 0 failed requests', async () => {
    await ensure('v1');
    expect((await env.deploy(doc(), { version: 'v2' })).ok).toBe(true);
    const { result: s, stats, wrongAfter } = await underLoad(env.nginx.port, 'v1', () => env.deploy(doc(), { action: 'rollback' }));
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    expect(stats.failed).toBe(0);
    expect(wrongAfter).toEqual([]);
    expect(served()).toBe('v1');
  }, 300_000);

  it('reports a failing checkout with its exit code and stderr', async () => {
    await ensure('v1');
    const s = await env.deploy(doc(), { version: 'no-such-ref' });
    expect(s.hosts[0]?.status === 'failed' && s.hosts[0].error.message).toMatch(/host local, step checkout failed: exit code \d+: .*no-such-ref/s);
    expect(served()).toBe('v1');
  }, 300_000);

  it('kill mid-deploy, deploy again after the lock expires: one live slot, nginx consistent', async () => {
    // The TTL must outlast the next deploy's way to its lock (connect, shell start) on this machine
    // now: twice a deploy measured here.
    const t0 = performance.now();
    expect((await env.deploy(doc(), { version: 'v1' })).ok).toBe(true);
    const ttl = Math.max(5000, Math.ceil(2 * (performance.now() - t0)));
    await killDeployAt(env, doc({ deadline: 30_000 + ttl, lockTtl: ttl }), 'sick', 'health');
    const refused = await env.deploy(doc({ lockTtl: ttl }), { version: 'v2' });
    const h = refused.hosts[0];
    expect(h?.status === 'failed' && h.error.name, JSON.stringify({ hosts: refused.hosts, lines: refused.lines })).toBe('LockHeldError');
    if (h?.status === 'failed') await waitForLockExpiry(h.error);
    const again = await env.deploy(doc({ lockTtl: ttl }), { version: 'v2' });
    expect(again.ok, JSON.stringify(again.hosts)).toBe(true);
    expect(again.lines.join('\n')).toMatch(/took over a stale lock held by/);
    expect(served()).toBe('v2');
    const text = readFileSync(env.nginx.upstreamFile, 'utf8');
    const live = again.hosts[0]?.status === 'succeeded' ? again.hosts[0].result.live : undefined;
    expect(upstreamPort(text)).toBe(live?.port);
    expect(spawnSync('sh', ['-c', `${env.nginx.command} -t`]).status).toBe(0);
  }, 300_000);
});
