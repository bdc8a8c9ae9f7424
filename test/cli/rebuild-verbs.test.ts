/** rebuild, plan, status, schedule and destroy through the CLI entry, against a simulator over loopback. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { realClock } from '../../src/apply/types.ts';
import { loadOrThrow } from '../../src/cli/session.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { rebuildServer } from '../../src/workflows/rebuild.ts';

let sim: Simulator;
let receiver: Server;
let env: Record<string, string>;
const bodies: string[] = [];
beforeEach(async () => {
  bodies.length = 0;
  sim = await startSimulator({ speed: 100_000, rateLimits: false });
  receiver = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => (bodies.push(b), res.end()));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  env = { ...simEnv(sim), HOOK_SECRET: 'cli-hook-secret-123' };
});
afterEach(async () => {
  await sim.stop();
  await new Promise((r) => receiver.close(r));
});

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-rebuild-cli-'));
  const port = (receiver.address() as AddressInfo).port;
  await mkdir(join(dir, 'manifests'));
  await writeFile(join(dir, 'keelson.yaml'), 'apiVersion: keelson.dev/v1\nkind: Project\nmetadata: { name: t }\nspec: { owner: cli, rebuilds: { maxConcurrent: 3, maxPerRegion: 1 } }\n');
  await writeFile(join(dir, 'manifests', 'all.yaml'), `apiVersion: keelson.dev/v1
kind: Server
metadata: { name: box-0, labels: { customer: acme } }
spec:
  region: ewr
  plan: vc2-1c-1gb
  image: { os: Ubuntu 24.04 LTS x64 }
  dns: [{ zone: main, name: box-0 }]
  rebuild: { schedule: "0 3 * * *", drain: 0s, rotateRegions: true, regions: [ewr, ams] }
  bandwidth: { monthlyLimitGB: 100 }
  destroyHooks:
    - name: billing
      webhook: { url: "http://127.0.0.1:${port}/hook", signingSecretEnv: HOOK_SECRET }
---
apiVersion: keelson.dev/v1
kind: DNSZone
metadata: { name: main }
spec: { zone: example.com }
`);
  return dir;
}

describe('keelson rebuild / status / schedule / destroy', () => {
  it('rebuilds into the next region with every step shown, leaves nothing to plan, then destroys with the hook once', async () => {
    const dir = await project();
    const applied = await runCli(['apply', '--dir', dir, '--yes'], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);

    const rebuilt = await runCli(['rebuild', 'box-0', '--dir', dir], env);
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    for (const step of ['snapshot', 'create', 'install', 'dns', 'drain', 'bandwidth', 'destroy-old']) expect(rebuilt.stdout).toMatch(new RegExp(`✓ ${step}\\s+\\(\\d`));
    expect(rebuilt.stdout).toMatch(/\[Server\/box-0\] rebuilt: \S+ → \S+ in ams/);

    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);

    const status = await runCli(['status', '--dir', dir, '--only', 'bandwidth'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/box-0\s+\d{4}-\d{2}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+100\.00\s+[\d.]+%/);

    const schedule = await runCli(['schedule', '--dir', dir, '--count', '2'], env);
    expect(schedule.stdout).toContain('at most 3 at once, 1 per region');
    expect(schedule.stdout.match(/box-0/g)).toHaveLength(2);

    const destroyed = await runCli(['destroy', 'box-0', '--dir', dir, '--yes'], env);
    expect(destroyed.code, destroyed.stdout + destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(/destroyed: 1 instance\(s\), 1 record\(s\), 0 snapshot\(s\), hooks run: billing/);
    const again = await runCli(['destroy', 'box-0', '--dir', dir, '--yes'], env);
    expect(again.stdout).toMatch(/destroyed: 0 instance\(s\), 0 record\(s\), 0 snapshot\(s\), hooks run: none/);
    expect(bodies).toHaveLength(1);
  });

  it('--log-format json: every rebuild and destroy step is a JSON log line on stderr', async () => {
    const dir = await project();
    expect((await runCli(['apply', '--dir', dir, '--yes'], env)).code).toBe(0);
    const events = (stderr: string) => stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; step: string; state: string });
    const rebuilt = await runCli(['--log-format', 'json', 'rebuild', 'box-0', '--dir', dir], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const steps = events(rebuilt.stderr).filter((e) => e.event === 'rebuild.step' && e.state === 'done').map((e) => e.step);
    expect(steps).toEqual(expect.arrayContaining(['create', 'install', 'dns', 'destroy-old']));
    const destroyed = await runCli(['--log-format', 'json', 'destroy', 'box-0', '--dir', dir, '--yes'], env);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(events(destroyed.stderr).some((e) => e.event === 'destroy.step' && e.state === 'done')).toBe(true);
    expect(rebuilt.stderr + destroyed.stderr).not.toContain('cli-hook-secret-123');
  });

  it('apply finishes a rebuild that a crash left after the create, instead of deleting or adding a server', async () => {
    const dir = await project();
    expect((await runCli(['apply', '--dir', dir, '--yes'], env)).code).toBe(0);
    const { project: config, manifests } = await loadOrThrow(dir);
    const conn = connectEndpoints(simulatorEndpoints(sim), config.providers, { budgets: { vultr: { limit: 100, windowMs: 1000 }, cloudflare: { limit: 1000, windowMs: 1000 } } });
    const ctl = new AbortController();
    const killed = await rebuildServer({ providers: conn.providers, owner: 'cli', manifests, clock: realClock, pollInterval: 5, signal: ctl.signal, onStep: (e) => {
      if (e.step === 'create' && e.state === 'done') ctl.abort(new Error('killed'));
    } }, 'box-0').catch((e: unknown) => e);
    expect(killed).toBeInstanceOf(Error);
    const owned = (): number => sim.admin.dump().vultr.instances.filter((i) => i.tags.includes('keelson:name=box-0')).length;
    expect(owned()).toBe(2);

    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/In progress \(a run was interrupted\):\n {2}>> Server\/box-0: rebuild in progress/);
    const json = await runCli(['plan', '--json', '--dir', dir], env);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).inProgress).toMatchObject([{ kind: 'Server', name: 'box-0', workflow: 'rebuild' }]);
    const applied = await runCli(['apply', '--dir', dir, '--yes'], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/\[Server\/box-0\] finished the rebuild in progress/);
    expect(owned()).toBe(1);
    expect((await runCli(['plan', '--dir', dir], env)).code).toBe(0);
  });

  it('removing a Server from the manifests runs its destroy hooks, read from git history, once', async () => {
    const dir = await project();
    const git = simpleGit(dir);
    await git.init();
    await git.addConfig('user.email', 't@example.com').addConfig('user.name', 't');
    await git.add('.').commit('box-0');
    expect((await runCli(['apply', '--dir', dir, '--yes'], env)).code).toBe(0);
    const all = await readFile(join(dir, 'manifests', 'all.yaml'), 'utf8');
    await writeFile(join(dir, 'manifests', 'all.yaml'), all.slice(all.indexOf('---\n') + 4));
    await git.add('.').commit('customer cancelled');

    // The plan's safety checks come first: the customer's last address record goes only when forced.
    const refused = await runCli(['apply', '--dir', dir, '--yes'], env);
    expect(refused.code).toBe(1);
    expect(bodies).toHaveLength(0);
    const checksum = /--force ([0-9a-f]{12})/.exec(refused.stdout + refused.stderr)![1]!;
    const applied = await runCli(['apply', '--dir', dir, '--yes', '--force', checksum], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('[Server/box-0] destroy hooks: ran billing');
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ event: 'server.destroy', details: { server: 'box-0', hook: 'billing' } });
    expect(sim.admin.dump().vultr.instances.filter((i) => i.tags.includes('keelson:name=box-0'))).toEqual([]);
    expect((await runCli(['apply', '--dir', dir, '--yes'], env)).code).toBe(0);
    expect(bodies).toHaveLength(1);
  });

  it('destroy refuses to empty a name the manifests still declare, naming the record; --force lets it through', async () => {
    const dir = await project();
    const file = join(dir, 'manifests', 'all.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('spec: { zone: example.com }', 'spec: { zone: example.com, records: [{ name: www, type: A, servers: [box-0] }] }'));
    expect((await runCli(['apply', '--dir', dir, '--yes'], env)).code).toBe(0);
    const www = () => sim.admin.dump().cloudflare.records.filter((r) => r.name === 'www.example.com');
    const ip = www()[0]!.content;
    const refused = await runCli(['destroy', 'box-0', '--dir', dir, '--yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`would delete the last address record of www.example.com (www.example.com A ${ip}) although the manifests still declare it (override: --force)`);
    expect(www()).toHaveLength(1);
    expect(bodies).toEqual([]);
    const forced = await runCli(['destroy', 'box-0', '--dir', dir, '--yes', '--force'], env);
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(www()).toEqual([]);
  });

  it('a rebuild of a server with no instance fails with the reason; an unknown server is a usage error', async () => {
    const dir = await project();
    const r = await runCli(['rebuild', 'box-0', '--dir', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[Server/box-0] rebuild failed: no live instance to rebuild (apply creates it)');
    expect((await runCli(['rebuild', 'nope', '--dir', dir], env)).code).toBe(64);
  });
});
