import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trustHostKey } from '../../src/deploy/known-hosts.ts';
import { readStatus, renderStatus } from '../../src/deploy/status.ts';
import { upstreamPort } from '../../src/deploy/upstream.ts';
import type { DeploymentDoc, NotifierDoc } from '../../src/model/types.ts';
import { containerSource } from '../helpers/deployment.ts';
import { runningContainers, shouldRun, uniqueApp } from './harness/components.ts';
import { killDeployAt, startContainerEnv, stopContainerEnv, waitForLockExpiry, type E2eEnv } from './harness/env.ts';

const APP = uniqueApp('e2e-safe');
const run = shouldRun();
const CANARY = 'canary-5f1e9c7d2b-secret';

describe.skipIf(!run)('container deploys: kill-safety, locks, host keys, several hosts, notifiers, secrets', () => {
  let env: E2eEnv;
  let images: { images: string[]; remove(): void };
  const image = (tag: string): string => `localhost/${APP}:${tag}`;
  const doc = (over: { deadline?: number; drain?: number; lockTtl?: number } = {}): DeploymentDoc => env.doc({
    source: { container: containerSource({ image: image('v1'), pull: 'never', portRange: { from: 23000, to: 23999 }, env: { MODE: 'e2e' }, envFrom: { API_TOKEN: 'KEELSON_E2E_CANARY' } }) },
    health: { path: '/health', expectStatus: 200, interval: 100, timeout: 1000, deadline: over.deadline ?? 5000 },
    strategy: { maxParallel: 1, drain: over.drain ?? 200, keepPrevious: true, lockTtl: over.lockTtl ?? 60_000 },
  });
  const secretEnv = { ...process.env, KEELSON_E2E_CANARY: CANARY };

  beforeAll(async () => {
    ({ env, images } = await startContainerEnv(APP));
  }, 300_000);
  afterEach(async (ctx) => env.reset(ctx.task.result?.state === 'fail'));
  afterAll(() => stopContainerEnv(APP, env, images));

  /** Makes `tag` live unless it is: each test starts from a known version, whatever ran before. */
  async function ensure(tag: string): Promise<void> {
    const now = spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${env.nginx.port}/`]).stdout.toString();
    if (now === tag && runningContainers(APP).length === 1) return;
    const s = await env.deploy(doc(), { version: image(tag), env: secretEnv });
    expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
  }

  function assertConsistent(expectVersion: string): void {
    const running = runningContainers(APP);
    expect(running).toHaveLength(1);
    const port = upstreamPort(readFileSync(env.nginx.upstreamFile, 'utf8'));
    const published = spawnSync('podman', ['port', running[0] as string]).stdout.toString();
    expect(published).toContain(`127.0.0.1:${port}`);
    const r = spawnSync('sh', ['-c', `${env.nginx.command} -t`]);
    expect(r.status).toBe(0);
    expect(spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${env.nginx.port}/`]).stdout.toString()).toBe(expectVersion);
  }

  it('passes envFrom secrets to the container and never shows them in output, errors, notifications or files', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const notifier: NotifierDoc = {
      kind: 'Notifier', metadata: { name: 'hook', labels: {}, annotations: {} }, source: { file: 'x', line: 1, col: 1 },
      spec: { events: ['deploy.*'], webhook: { url: `http://127.0.0.1:${port}/hook`, method: 'POST', headers: {}, headersFromEnv: {}, signingSecretEnv: 'KEELSON_E2E_SIGNING', timeout: 2000 } },
    };
    const d = { ...doc(), spec: { ...doc().spec, notify: ['hook'] } };
    const ok = await env.deploy(d, { version: image('v1'), notifiers: [notifier], env: { ...secretEnv, KEELSON_E2E_SIGNING: 'signing-key-123456' } });
    expect(ok.ok, JSON.stringify(ok.hosts)).toBe(true);
    const failed = await env.deploy({ ...d, spec: { ...d.spec, health: { ...d.spec.health, deadline: 600 } } }, { version: image('sick'), notifiers: [notifier], env: { ...secretEnv, KEELSON_E2E_SIGNING: 'signing-key-123456' } });
    expect(failed.ok).toBe(false);
    server.close();

    const container = runningContainers(APP)[0] as string;
    expect(spawnSync('podman', ['exec', container, '/bin/busybox', 'env']).stdout.toString()).toContain(`API_TOKEN=${CANARY}`);
    expect(received.map((r) => JSON.parse(r.body).event)).toEqual(['deploy.started', 'deploy.succeeded', 'deploy.started', 'deploy.failed']);
    for (const r of received) expect(r.headers['x-keelson-signature']).toBe(`sha256=${createHmac('sha256', 'signing-key-123456').update(r.body).digest('hex')}`);
    const everything = [
      ...ok.lines, ...failed.lines, JSON.stringify(ok.hosts), ...failed.hosts.map((h) => (h.status === 'failed' ? h.error.message : '')),
      ...received.map((r) => r.body), readFileSync(env.nginx.upstreamFile, 'utf8'), readFileSync(join(process.env.HOME ?? '/root', '.keelson/deploy', APP, 'state.json'), 'utf8'),
      ...readdirSync(env.dir).filter((f) => f.endsWith('.log') || f === 'known_hosts').map((f) => readFileSync(join(env.dir, f), 'utf8')),
    ].join('\n');
    expect(everything).toContain('deploy.failed');
    expect(everything).not.toContain(CANARY);
  }, 300_000);

  it('kill mid-deploy, deploy again: the lock is refused until it expires, then taken over; one live version, nginx consistent', async () => {
    const t0 = Date.now();
    const base = await env.deploy(doc({ lockTtl: 8000 }), { version: image('v1'), env: secretEnv });
    expect(base.ok, JSON.stringify(base.hosts)).toBe(true);
    // The TTL must outlast the next deploy's way to its lock on this machine now: derived from a deploy.
    const lockTtl = Math.max(8000, 2 * (Date.now() - t0));
    // Kill during the drain: nginx already points at v2, both containers run, the lock is held.
    await killDeployAt(env, doc({ lockTtl, drain: 20_000 + lockTtl }), image('v2'), 'drain', secretEnv);
    expect(runningContainers(APP)).toHaveLength(2);

    const refused = await env.deploy(doc({ lockTtl }), { version: image('v1'), env: secretEnv });
    expect(refused.ok).toBe(false);
    const h = refused.hosts[0];
    expect(h?.status === 'failed' && h.error.name).toBe('LockHeldError');
    expect(h?.status === 'failed' && h.error.message).toMatch(/locked by .* pid \d+ run /);
    if (h?.status === 'failed') await waitForLockExpiry(h.error);
    const again = await env.deploy(doc({ lockTtl }), { version: image('v1'), env: secretEnv });
    expect(again.ok, JSON.stringify(again.hosts)).toBe(true);
    expect(again.lines.join('\n')).toMatch(/took over a stale lock held by .* \(expired at /);
    expect(again.lines.join('\n')).toMatch(/removing leftover container/);
    assertConsistent('v1');

    const status = await readStatus(doc(), [{ name: 'local', address: '127.0.0.1', port: env.sshd.port }], { root: env.dir });
    const table = renderStatus(`Deployment/${APP}`, status).join('\n');
    expect(table).toMatch(new RegExp(`local\\t(blue|green)\\tlocalhost/${APP}:v1\\t20\\d\\d-`));
    expect(table).toContain(`localhost/${APP}:v2`);
  }, 300_000);

  it('a deploy longer than lockTtl keeps its lock: a deploy started after the first expiry is refused', async () => {
    const lockInfo = join(process.env.HOME ?? '/root', '.keelson/deploy', APP, 'lock', 'info');
    let firstExpiry = 0;
    let draining!: () => void;
    const inDrain = new Promise<void>((r) => (draining = r));
    // A TTL of 4 s and a drain of 12 s: without refreshes the lock expires while the deploy drains.
    const long = env.deploy(doc({ lockTtl: 4000, drain: 12_000 }), { version: image('v2'), env: secretEnv, onProgress: (line) => {
      if (line.includes(' lock: taking')) firstExpiry = 0;
      if (line.includes(' start: ') && !firstExpiry) firstExpiry = Number(/expires=(\d+)/.exec(readFileSync(lockInfo, 'utf8'))?.[1]) * 1000;
      if (line.includes(' drain: ')) draining();
    } });
    try {
      await inDrain;
      expect(firstExpiry).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, Math.max(0, firstExpiry - Date.now()) + 1100));
      const other = await env.deploy(doc({ lockTtl: 4000 }), { version: image('v1'), env: secretEnv });
      const h = other.hosts[0];
      expect(h?.status === 'failed' && h.error.name, JSON.stringify(other.hosts)).toBe('LockHeldError');
    } finally {
      const s = await long;
      expect(s.ok, JSON.stringify(s.hosts)).toBe(true);
    }
    assertConsistent('v2');
    expect((await env.deploy(doc(), { version: image('v1'), env: secretEnv })).ok).toBe(true);
  }, 300_000);

  it('a failing nginx -t is reported with its exit code and output; the previous upstream file is restored', async () => {
    await ensure('v1');
    const before = readFileSync(env.nginx.upstreamFile, 'utf8');
    const d = doc();
    const broken = { ...d, spec: { ...d.spec, proxy: { nginx: { ...d.spec.proxy.nginx, upstreamName: 'not-the-proxied-name' } } } };
    const s = await env.deploy(broken, { version: image('v2'), env: secretEnv });
    const h = s.hosts[0];
    expect(h?.status === 'failed' && h.error.message).toMatch(new RegExp(`host local, step switch failed: exit code 3: [^]*host not found in upstream "${APP}"`));
    expect(readFileSync(env.nginx.upstreamFile, 'utf8')).toBe(before);
    assertConsistent('v1');
  }, 300_000);

  it('refuses a changed host key, naming the host and both fingerprints', async () => {
    await ensure('v1');
    const otherKeys = join(env.dir, 'other_known_hosts');
    const fake = Buffer.from(readFileSync(`${env.sshd.clientKey}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
    await trustHostKey(otherKeys, '127.0.0.1', env.sshd.port, fake);
    const d = doc();
    const s = await env.deploy({ ...d, spec: { ...d.spec, ssh: { ...d.spec.ssh, knownHostsFile: otherKeys } } }, { version: image('v2'), env: secretEnv });
    const h = s.hosts[0];
    expect(h?.status).toBe('failed');
    expect(h?.status === 'failed' && h.error.message).toMatch(/host local, step connect failed: host key of local changed: it presented ssh-ed25519 SHA256:\S+ but the known-hosts file has ssh-ed25519 SHA256:\S+; refusing/);
    assertConsistent('v1');
  }, 300_000);

  it('several hosts: one at a time, stops at the first failure, leaves the rest on the old version, summary per host', async () => {
    await ensure('v1');
    const d = doc();
    const spec = { ...d.spec, targets: { hosts: [
      { name: 'untrusted', address: '127.0.0.2', port: env.sshd.port },
      { name: 'local', address: '127.0.0.1', port: env.sshd.port },
    ] } };
    const s = await env.deploy({ ...d, spec }, { version: image('v2'), env: secretEnv });
    expect(s.hosts.map((h) => h.status)).toEqual(['failed', 'skipped']);
    expect(s.hosts[0]?.status === 'failed' && s.hosts[0].error.message).toMatch(/host untrusted, step connect failed: host key of untrusted .* is not trusted yet/);
    assertConsistent('v1');

    const spec2 = { ...spec, targets: { hosts: [spec.targets.hosts[1], spec.targets.hosts[0]] as typeof spec.targets.hosts } };
    const s2 = await env.deploy({ ...d, spec: spec2 }, { version: image('v2'), env: secretEnv });
    expect(s2.hosts.map((h) => `${h.host}:${h.status}`)).toEqual(['local:succeeded', 'untrusted:failed']);
    assertConsistent('v2');
  }, 300_000);
});
