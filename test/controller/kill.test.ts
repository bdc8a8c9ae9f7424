/**
 * SIGKILL of the real `keelson controller` process at random moments of its reconciles and of its
 * scheduled rebuilds (a write answered by the simulator, chosen at random), then a restart: no
 * duplicate or leaked server, the declared name answered by a live server throughout, and at the end
 * (schedules removed by a commit, SIGTERM → exit 0) the next plan is empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { simEnv } from '../helpers/cli.ts';
import { createGitRemote, type GitRemote } from '../helpers/git-remote.ts';
import { ownedInstances, resolveViolations } from '../helpers/invariants.ts';

const KILLS = Number(process.env.KEELSON_TEST_KILLS ?? 5);
const BIN = join(import.meta.dirname, '../../bin/keelson.js');

function files(schedule: boolean): Record<string, string> {
  const server = (name: string) => ({
    apiVersion: 'keelson.dev/v1', kind: 'Server', metadata: { name, labels: { role: 'web' } },
    spec: { region: 'ewr', plan: 'vc2-1c-1gb', image: { os: 'Ubuntu 24.04 LTS x64' }, rebuild: { drain: '1s', freshSnapshot: false, ...(schedule && { schedule: '*/10 * * * * *' }) } },
  });
  const zone = { apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: 'example' }, spec: { zone: 'example.com', records: [{ name: 'www', type: 'A', ttl: 60, servers: ['web-a', 'web-b'] }] } };
  return {
    'keelson.yaml': stringify({ apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 't' }, spec: { owner: 'killer', rebuilds: { maxConcurrent: 1, maxPerRegion: 1 } } }),
    'manifests/all.yaml': [server('web-a'), server('web-b'), zone].map((d) => stringify(d)).join('---\n'),
  };
}

let sim: Simulator | undefined;
let remote: GitRemote | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sim?.stop();
  await remote?.cleanup();
});

function startChild(env: Record<string, string>, state: string): { proc: ChildProcess; output: () => string; url: Promise<string> } {
  const proc = spawn(process.execPath, [BIN, 'controller', '--repo', remote!.url, '--interval', '1s', '--drift-interval', '2s', '--listen', '127.0.0.1:0', '--state-dir', state, '--shutdown-deadline', '20s'], {
    env: { ...process.env, ...env, KEELSON_INSTALL_POLL_MS: '50' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve) => {
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /"listen":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
  });
  return { proc, output: () => out, url };
}

const exited = (p: ChildProcess) => new Promise<{ code: number | null; signal: string | null }>((r) => (p.exitCode !== null || p.signalCode !== null ? r({ code: p.exitCode, signal: p.signalCode }) : p.once('exit', (code, signal) => r({ code, signal }))));

describe('keelson controller survives SIGKILL', () => {
  it(`killed ${KILLS} times during reconciles and scheduled rebuilds, it converges with no duplicate or leak and the name always answered`, async () => {
    const violations: string[] = [];
    let writes = 0;
    let recordSeen = false;
    let killAt = Number.POSITIVE_INFINITY;
    sim = await startSimulator({
      rateLimits: false, timings: { osInstallMs: 1500, snapshotMs: 1000, snapshotInstallMs: 1500 },
      onResponse: (e) => {
        if (!e.endpoint.startsWith('GET')) writes++;
        if (writes >= killAt && child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    });
    const s = sim;
    const ticker = setInterval(() => {
      const v = resolveViolations(s.admin, ['www.example.com']);
      if (!recordSeen && v.length === 0) recordSeen = true;
      if (recordSeen) violations.push(...v);
    }, 20);
    remote = await createGitRemote();
    await remote.commit('fleet with schedules', files(true));
    const state = join(remote.root, 'state');
    const env = simEnv(s);
    try {
      const kinds: string[] = [];
      for (let i = 0; i < KILLS; i++) {
        // The first kill lands inside the first apply (after the server creates); the others anywhere.
        killAt = writes + (i === 0 ? 2 : 1 + Math.floor(Math.random() * 6));
        const c = startChild(env, state);
        child = c.proc;
        const r = await Promise.race([exited(c.proc), new Promise<'alive'>((res) => setTimeout(() => res('alive'), 90_000))]);
        if (r === 'alive') c.proc.kill('SIGKILL');
        const e = await exited(c.proc);
        expect(e.signal, c.output()).toBe('SIGKILL');
        kinds.push(recordSeen ? 'after the first apply' : 'during the first apply');
        if (process.env.KEELSON_TEST_VERBOSE) process.stderr.write(`kill ${i}: writes ${writes} ${kinds.at(-1)} ${JSON.stringify([...ownedInstances(s.admin, 'killer')])}\n`);
        const owned = ownedInstances(s.admin, 'killer');
        for (const [name, ids] of owned) expect(ids.length, `${name}: ${ids.join(', ')}`).toBeLessThanOrEqual(2); // a rebuild's successor at most
      }
      expect(kinds).toContain('after the first apply');
      expect(kinds[0]).toBe('during the first apply');

      // Last start: the schedules are removed by a commit, the controller converges, SIGTERM ends it with 0.
      killAt = Number.POSITIVE_INFINITY;
      const last = await remote.commit('no more schedules', files(false));
      const c = startChild(env, state);
      child = c.proc;
      const url = await c.url;
      let status: { applied?: { hash: string }; last?: { outcome: string; revision?: string }; rebuilds: { running: unknown[] } } | undefined;
      for (let i = 0; i < 600; i++) {
        status = await fetch(`${url}/api/status`).then((r) => r.json() as Promise<typeof status>).catch(() => undefined);
        if (status?.applied?.hash === last && status.last?.outcome === 'in-sync' && status.rebuilds.running.length === 0) break;
        if (process.env.KEELSON_TEST_VERBOSE && i % 20 === 0) process.stderr.write(`status ${JSON.stringify(status)?.slice(0, 600)}\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status?.applied?.hash, c.output()).toBe(last);
      c.proc.kill('SIGTERM');
      expect((await exited(c.proc)).code, c.output()).toBe(0);
    } finally {
      clearInterval(ticker);
    }
    const owned = ownedInstances(s.admin, 'killer');
    expect([...owned.keys()].sort()).toEqual(['web-a', 'web-b']);
    for (const ids of owned.values()) expect(ids).toHaveLength(1);
    expect(s.admin.dump().vultr.instances.filter((i) => !owned.get('web-a')!.includes(i.id) && !owned.get('web-b')!.includes(i.id) && i.tags.some((t) => t.includes('killer')))).toEqual([]);
    expect(violations.slice(0, 5)).toEqual([]);
    const conn = connectEndpoints(simulatorEndpoints(s));
    const next = await reconcile({
      source: async () => ({ dir: remote!.work }), connect: async () => conn, keepConnection: true, apply: false,
      workflow: (project, manifests, cn) => ({ providers: cn.providers, owner: project.owner, manifests, clock: { now: Date.now, sleep: async () => {} } }),
    });
    expect(next.outcome, next.message).toBe('in-sync');
  }, 480_000);
});
