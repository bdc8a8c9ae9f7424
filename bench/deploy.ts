/**
 * Deploy overhead per host, with the real components (OpenSSH, nginx, podman on loopback): the time
 * from `deploy` to traffic switched (nginx verified) minus the app's own time to answer its health
 * check, plus SSH commands, tunnelled HTTP checks and peak memory. Containers and git slots. A
 * keep-alive client that never retries runs beside the deploys and counts the errors it sees (a
 * connection nginx closes at a reload while a request is on its way). Ports come from a block below
 * the kernel's ephemeral range that is free when the bench starts; the machine's load is printed.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rollout } from '../src/deploy/rollout.ts';
import { cleanupApp, freePort, importImages, makeGitRepo, missingComponents, uniqueApp } from '../test/e2e/harness/components.ts';
import { startEnv } from '../test/e2e/harness/env.ts';
import { startLoad } from '../test/e2e/harness/load.ts';
import { containerSource, gitSource } from '../test/helpers/deployment.ts';

const ROUNDS = 8;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${(s[s.length - 1] ?? 0).toFixed(0)} ms`;
}

/** A block of 200 ports below the ephemeral range (no outgoing connection takes them) with nothing listening now. */
async function freeBlock(): Promise<{ from: number; to: number }> {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  for (let i = 0; i < 20; i++) {
    const from = 10_000 + Math.floor(Math.random() * Math.max(1, (low - 10_200 - 10_000) / 200)) * 200;
    const range = { from, to: from + 199 };
    const a = await freePort('127.0.0.1', range);
    const b = await freePort('127.0.0.1', range);
    if (a !== b) return range;
  }
  throw new Error('no free block of ports below the ephemeral range');
}

function machineLoad(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

async function benchKind(kind: 'container' | 'git'): Promise<void> {
  const app = uniqueApp(`bench-${kind}`);
  cleanupApp(app);
  const env = await startEnv(app);
  const images = kind === 'container' ? importImages(env.dir, app, [{ tag: 'v1', body: 'v1', healthy: true }, { tag: 'v2', body: 'v2', healthy: true }]) : undefined;
  const block = await freeBlock();
  try {
    const source = kind === 'container'
      ? { container: containerSource({ image: `localhost/${app}:v1`, pull: 'never' as const, portRange: block }) }
      : { git: gitSource({ repo: makeGitRepo(env.dir), ref: 'v1', root: join(env.dir, 'slots'), slots: [{ name: 'blue', port: await freePort('127.0.0.1', block) }, { name: 'red', port: await freePort('127.0.0.1', block) }], start: 'exec busybox httpd -f -p 127.0.0.1:$PORT -h www' }) };
    const doc = env.doc({
      source,
      health: { path: '/health', expectStatus: 200, interval: 50, timeout: 1000, deadline: 10_000 },
      strategy: { maxParallel: 1, drain: 200, keepPrevious: true, lockTtl: 60_000 },
    });
    const hosts = 'hosts' in doc.spec.targets ? doc.spec.targets.hosts : [];
    const overhead: number[] = [];
    const healthy: number[] = [];
    const total: number[] = [];
    let exec = 0;
    let http = 0;
    const steps: Record<string, number[]> = {};
    const loadBefore = machineLoad();
    let load: ReturnType<typeof startLoad> | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      // The first deploy makes v1 live; the never-retrying client measures the rounds after it.
      if (i === 1) load = startLoad({ port: env.nginx.port, keepAlive: 0, fresh: 0, strict: 2, maxRequests: 1_000_000, maxMs: 600_000, pauseMs: 25 });
      const version = kind === 'container' ? `localhost/${app}:${i % 2 ? 'v1' : 'v2'}` : i % 2 ? 'v1' : 'v2';
      const t0 = performance.now();
      let last = { step: 'connect', at: t0 };
      const s = await rollout({ doc, action: 'deploy', version, hosts, root: env.dir, report: (p) => {
        const at = performance.now();
        (steps[last.step] ??= []).push(at - last.at);
        last = { step: p.step, at };
      } });
      const end = performance.now();
      (steps[last.step] ??= []).push(end - last.at);
      total.push(end - t0);
      const h = s.hosts[0];
      if (h?.status !== 'succeeded') throw new Error(`bench deploy failed: ${JSON.stringify(s.hosts)}`);
      overhead.push(h.result.switchedAfterMs - h.result.healthyAfterMs);
      healthy.push(h.result.healthyAfterMs);
      exec += s.counts.exec;
      http += s.counts.http;
    }
    const strict = await load?.stop();
    console.log(`  ${kind} (${ROUNDS} deploys, one host; ports ${block.from}-${block.to}; ${loadBefore} before, ${machineLoad()} after):`);
    console.log(`    overhead to traffic switched, minus the app's own time to healthy: ${stats(overhead)}`);
    console.log(`    app's own time to healthy (gate): ${stats(healthy)}`);
    console.log(`    whole deploy incl. drain and stopping the old version: ${stats(total)}`);
    console.log(`    by step (median ms): ${Object.entries(steps).map(([k, v]) => `${k} ${[...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]?.toFixed(0)}`).join(', ')}`);
    if (strict) console.log(`    keep-alive client that never retries (2 connections): ${strict.strictErrors} errors in ${strict.strictTotal} requests over ${ROUNDS - 1} deploys = ${(strict.strictErrors / (ROUNDS - 1)).toFixed(2)} per deploy${strict.strictFailures[0] ? ` (e.g. ${strict.strictFailures[0]})` : ''}`);
    console.log(`    per deploy: ${(exec / ROUNDS).toFixed(1)} SSH commands, ${(http / ROUNDS).toFixed(1)} HTTP checks through the tunnel, 1 SSH connection`);
  } finally {
    cleanupApp(app);
    images?.remove();
    env.stop();
  }
}

export async function benchDeploy(): Promise<void> {
  console.log('deploy (real sshd, nginx, podman on 127.0.0.1):');
  const missing = missingComponents();
  if (missing.length || process.getuid?.() !== 0) {
    console.log(`  skipped: needs root and ${missing.join(', ') || 'nothing missing'} (see the README, "Deploys")`);
    return;
  }
  await benchKind('container');
  await benchKind('git');
  console.log(`  peak memory (max RSS of this process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
