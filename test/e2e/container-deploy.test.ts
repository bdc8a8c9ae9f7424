import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upstreamPort } from '../../src/deploy/upstream.ts';
import { containerSource } from '../helpers/deployment.ts';
import { runningContainers, shouldRun, uniqueApp } from './harness/components.ts';
import { startContainerEnv, stopContainerEnv, type E2eEnv } from './harness/env.ts';
import { deploysUnderLoad, startLoad, underLoad } from './harness/load.ts';

const APP = uniqueApp('e2e-web');
const run = shouldRun();

describe.skipIf(!run)('container deploys over real SSH, podman and nginx', () => {
  let env: E2eEnv;
  let images: { images: string[]; remove(): void };
  const image = (tag: string): string => `localhost/${APP}:${tag}`;
  const doc = (over: { deadline?: number } = {}) => env.doc({
    source: { container: containerSource({ image: image('v1'), pull: 'never', portRange: { from: 21000, to: 21999 } }) },
    health: { path: '/health', expectStatus: 200, interval: 50, timeout: 1000, deadline: over.deadline ?? 5000 },
    strategy: { maxParallel: 1, drain: 100, keepPrevious: true, lockTtl: 60_000 },
  });

  /** One deploy's duration on this machine now (the first test measures it); budgets derive from it. */
  let stepMs = 0;
  const served = (): string => spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${env.nginx.port}/`]).stdout.toString();
  /** Makes `tag` live unless it is: each test starts from a known version, whatever ran before. */
  const ensure = async (tag: string): Promise<void> => {
    if (served() === tag && runningContainers(APP).length === 1) return;
    const s = await env.deploy(doc(), { version: image(tag) });
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
  };

  beforeAll(async () => {
    ({ env, images } = await startContainerEnv(APP));
  }, 300_000);
  afterEach(async (ctx) => env.reset(ctx.task.result?.state === 'fail'));
  afterAll(() => stopContainerEnv(APP, env, images));

  it('deploys v1 onto an empty host', async () => {
    const t0 = performance.now();
    const s = await env.deploy(doc(), { version: image('v1') });
    stepMs = performance.now() - t0;
    expect(s.hosts[0]?.status, JSON.stringify(s.hosts)).toBe('succeeded');
    expect(runningContainers(APP)).toHaveLength(1);
    console.log(`one deploy onto an empty host: ${Math.round(stepMs)} ms (budgets below derive from it)`);
  }, 300_000);

  it('20 consecutive deploys under keep-alive and new-connection load: 0 failed, every later response from the new version', async () => {
    await ensure('v1');
    // An upgrade also drains and stops the old version: allow 4 first deploys' time per deploy.
    const { stats, wrong, checked } = await deploysUnderLoad(env.nginx.port, ['v2', 'v1'], 20, async (version) => {
      const s = await env.deploy(doc(), { version: image(version) });
      expect(s.hosts[0]?.status, JSON.stringify(s.hosts)).toBe('succeeded');
    }, 20 * 4 * Math.max(stepMs, 1000));
    expect(stats.failures).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.total).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    expect(runningContainers(APP)).toHaveLength(1);
    console.log(`load: ${stats.total} requests, ${stats.failed} failed, ${stats.retriedOnReusedConnection} retried on a closed keep-alive connection, by version ${JSON.stringify(stats.byVersion)}`);
    console.log(`never-retrying keep-alive client: ${stats.strictErrors} errors in ${stats.strictTotal} requests over 20 deploys (${(stats.strictErrors / 20).toFixed(2)} per deploy) ${JSON.stringify(stats.strictFailures.slice(0, 3))}`);
  }, 1_800_000);

  it('a version that never gets healthy fails at the health step after several checks, never switches, and the old one keeps serving', async () => {
    await ensure('v1');
    const load = startLoad({ port: env.nginx.port, keepAlive: 2, fresh: 2, maxRequests: 5_000, maxMs: 30_000 + 4 * stepMs, pauseMs: 25 });
    const s = await env.deploy(doc({ deadline: 2000 }), { version: image('sick') });
    const stats = await load.stop();
    expect(s.ok).toBe(false);
    const h = s.hosts[0];
    expect(h?.status).toBe('failed');
    if (h?.status === 'failed') expect(h.error.message).toMatch(new RegExp(`^\\[Deployment/${APP}\\] host local, step health failed: ${APP}-\\w+ not healthy after \\d+ checks in .*GET /health answered 404`));
    // Health was the last step reported: nothing touched nginx.
    expect(s.lines.map((l) => l.split(' ')[1])).not.toContain('switch:');
    expect(s.lines.at(-1)).toMatch(/ health: /);
    expect(stats.failed).toBe(0);
    expect(Object.keys(stats.byVersion)).toEqual(['v1']);
    expect(runningContainers(APP)).toEqual([`${APP}-${readLiveSlot()}`]);
  }, 300_000);

  it('rollback switches back to the previous image with 0 failed requests', async () => {
    await ensure('v1');
    const s1 = await env.deploy(doc(), { version: image('v2') });
    expect(s1.ok).toBe(true);
    const { result: s, tookMs, stats, wrongAfter } = await underLoad(env.nginx.port, 'v1', () => env.deploy(doc(), { action: 'rollback' }));
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    expect(stats.failed).toBe(0);
    expect(wrongAfter).toEqual([]);
    console.log(`rollback took ${Math.round(tookMs)} ms (drain 100 ms included)`);
  }, 300_000);

  it('reports a failing remote command with its exit code and stderr, and leaves the live version', async () => {
    await ensure('v1');
    const d = doc();
    const s = await env.deploy({ ...d, spec: { ...d.spec, source: { container: containerSource({ image: image('v1'), pull: 'missing', portRange: { from: 21000, to: 21999 } }) } } }, { version: `localhost/${APP}-missing:v9` });
    const h = s.hosts[0];
    expect(h?.status).toBe('failed');
    if (h?.status === 'failed') expect(h.error.message).toMatch(/host local, step pull failed: exit code \d+: .*(not found|unknown|no such|manifest|Error)/is);
    expect(runningContainers(APP)).toHaveLength(1);
  }, 300_000);

  it('verifies through nginx with a /health that takes 0.2 s: the tunnel keeps its side open until the answer ends', async () => {
    await ensure('v1');
    const d = doc();
    const slowPath = '/cgi-bin/health';
    const slow = { ...d, spec: { ...d.spec, health: { ...d.spec.health, path: slowPath }, proxy: { nginx: { ...d.spec.proxy.nginx, verifyUrl: `http://127.0.0.1:${env.nginx.port}${slowPath}` } } } };
    const s = await env.deploy(slow, { version: image('slow') });
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    expect(readFileSync(join(env.dir, 'nginx', 'logs', 'error.log'), 'utf8')).not.toMatch(/prematurely closed|499/);
  }, 300_000);

  function readLiveSlot(): string {
    const text = readFileSync(env.nginx.upstreamFile, 'utf8');
    expect(upstreamPort(text)).toBeGreaterThan(0);
    return (/"slot":"(\w+)"/.exec(text) ?? [])[1] ?? '';
  }
});
