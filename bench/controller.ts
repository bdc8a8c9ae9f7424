/**
 * Controller bench: commit-to-applied time through the webhook and through polling (a real bare git
 * remote, the simulator in-process); the API calls of one idle drift cycle of a 100-server repository
 * against the observe minimum (simulator in another process); and the controller's RSS and CPU over
 * 1,000 idle cycles, to show they do not grow.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { GitSource } from '../src/controller/git-source.ts';
import { startEndpoints } from '../src/controller/http.ts';
import { Controller } from '../src/controller/loop.ts';
import { createMetrics } from '../src/controller/metrics.ts';
import type { ControllerClock } from '../src/controller/options.ts';
import { connectEndpoints, simulatorEndpoints, type Connection, type Endpoints } from '../src/providers/connect.ts';
import { startSimulator } from '../src/sim/index.ts';
import { startRemoteSim } from './remote-sim.ts';
import { fleetProject, fleetWorld } from './world.ts';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

async function gitRemote() {
  const root = await mkdtemp(join(tmpdir(), 'keelson-bench-git-'));
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8' }).trim();
  git(root, 'init', '-q', '--bare', '-b', 'main', join(root, 'remote.git'));
  git(root, 'init', '-q', '-b', 'main', work);
  git(work, 'remote', 'add', 'origin', join(root, 'remote.git'));
  const push = (msg: string) => {
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', msg);
    git(work, 'push', '-q', 'origin', 'HEAD:main');
    return git(work, 'rev-parse', 'HEAD');
  };
  return { root, work, url: `file://${join(root, 'remote.git')}`, push };
}

function smallProject(value: string): Record<string, string> {
  return {
    'keelson.yaml': stringify({ apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 'b' }, spec: { owner: 'bench' } }),
    'manifests/dns.yaml': stringify({ apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: 'example' }, spec: { zone: 'example.com', records: [{ name: 'bench', type: 'TXT', value }] } }),
  };
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), text);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function controllerFor(url: string, stateDir: string, conn: Connection, opts: { intervalMs: number; clock?: ControllerClock }) {
  const source = new GitSource({ repo: url, branch: 'main', path: '.', stateDir });
  const metrics = createMetrics({ processMetrics: false });
  const controller = new Controller({
    source, branch: 'main', intervalMs: opts.intervalMs, driftIntervalMs: 600_000, selfHeal: true, metrics, ...(opts.clock && { clock: opts.clock }),
    connect: async () => conn,
    workflow: (project, manifests, c) => ({ providers: c.providers, owner: project.owner, manifests, clock: { now: Date.now, sleep: async () => {} } }),
  });
  return { source, controller, metrics };
}

async function commitToApplied(mode: 'webhook' | 'polling', trials: number): Promise<number[]> {
  const sim = await startSimulator({ speed: 100_000, rateLimits: false });
  const conn = connectEndpoints(simulatorEndpoints(sim));
  const repo = await gitRemote();
  await write(repo.work, smallProject('v0'));
  repo.push('v0');
  const { source, controller, metrics } = controllerFor(repo.url, join(repo.root, 'state'), conn, { intervalMs: mode === 'polling' ? 1000 : 3_600_000 });
  await source.open();
  const secret = 'bench-secret';
  const ep = await startEndpoints({ healthy: () => true, ready: () => true, registry: metrics.registry, status: () => ({}), hookSecret: secret, onHook: () => controller.poke() }, '127.0.0.1', 0);
  const loop = controller.start();
  const out: number[] = [];
  try {
    for (let i = 1; i <= trials; i++) {
      await write(repo.work, smallProject(`v${i}`));
      const t0 = performance.now();
      const hash = repo.push(`v${i}`);
      if (mode === 'webhook') {
        const body = JSON.stringify({ after: hash });
        await fetch(`${ep.url}/hooks/git`, { method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` } });
      }
      while (controller.status().applied?.hash !== hash) await new Promise((r) => setTimeout(r, 5));
      out.push(performance.now() - t0);
    }
  } finally {
    await controller.stop();
    await loop;
    await ep.close();
    await sim.stop();
    await rm(repo.root, { recursive: true, force: true });
  }
  return out;
}

function manualClock(): ControllerClock & { advance(ms: number): void } {
  let now = Date.now();
  return { now: () => now, advance: (ms) => void (now += ms), sleep: async () => {} };
}

async function idleDriftCalls(servers: number): Promise<{ calls: number; minimum: number; outcome: string }> {
  const world = fleetWorld(servers, servers * 3);
  const remote = await startRemoteSim(world, 0);
  const repo = await gitRemote();
  await cp(await fleetProject(servers, servers * 3), repo.work, { recursive: true });
  repo.push('fleet');
  const clock = manualClock();
  const conn = connectEndpoints(remote.endpoints as Endpoints);
  const { source, controller } = controllerFor(repo.url, join(repo.root, 'state'), conn, { intervalMs: 60_000, clock });
  try {
    await source.open();
    await controller.tick();
    clock.advance(600_000);
    await remote.resetCounters();
    await controller.tick();
    const calls = Object.values(await remote.counters()).reduce((a, b) => a + b, 0);
    const zones = world.cloudflare.zones.length;
    const minimum = Math.ceil(world.vultr.instances.length / 500) + 1 + 5 + 2 + Math.ceil(zones / 50) + zones;
    return { calls, minimum, outcome: controller.status().last?.outcome ?? 'none' };
  } finally {
    await controller.stop();
    await remote.stop();
    await rm(repo.root, { recursive: true, force: true });
  }
}

async function longRun(cycles: number): Promise<{ at: number; rssMb: number; cpuMs: number }[]> {
  const sim = await startSimulator({ speed: 100_000, rateLimits: false });
  const conn = connectEndpoints(simulatorEndpoints(sim));
  const repo = await gitRemote();
  await write(repo.work, smallProject('long'));
  repo.push('long');
  const clock = manualClock();
  const { source, controller } = controllerFor(repo.url, join(repo.root, 'state'), conn, { intervalMs: 60_000, clock });
  const samples: { at: number; rssMb: number; cpuMs: number }[] = [];
  const cpu0 = process.cpuUsage();
  try {
    await source.open();
    for (let i = 0; i <= cycles; i++) {
      await controller.tick();
      clock.advance(600_000);
      if (i % (cycles / 4) === 0) {
        const c = process.cpuUsage(cpu0);
        samples.push({ at: i, rssMb: process.memoryUsage().rss / 1048576, cpuMs: (c.user + c.system) / 1000 });
      }
    }
  } finally {
    await controller.stop();
    await sim.stop();
    await rm(repo.root, { recursive: true, force: true });
  }
  return samples;
}

export async function benchController(): Promise<void> {
  const webhook = await commitToApplied('webhook', 5);
  const polling = await commitToApplied('polling', 5);
  process.stdout.write(
    `controller: commit pushed → applied (one TXT record, simulator in-process, median of 5)\n` +
      `  webhook            ${median(webhook).toFixed(0)} ms\n` +
      `  polling every 1 s  ${median(polling).toFixed(0)} ms\n`,
  );
  const drift = await idleDriftCalls(100);
  process.stdout.write(`controller: one idle drift cycle, 100 servers and 300 records: ${drift.calls} API calls (observe minimum ${drift.minimum}), result ${drift.outcome}\n`);
  const samples = await longRun(1000);
  process.stdout.write(`controller: 1,000 idle drift cycles (ls-remote + observe + plan each)\n`);
  for (const s of samples) process.stdout.write(`  after ${String(s.at).padStart(4)} cycles  RSS ${s.rssMb.toFixed(0)} MB  CPU ${(s.cpuMs / 1000).toFixed(1)} s\n`);
}
