import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupApp, importImages, runningContainers, shouldRun, startNginx, startSshd, tempDir, type Nginx, type Sshd, uniqueApp } from './harness/components.ts';

const APP = uniqueApp('e2e-cli');
const run = shouldRun();
const CANARY = 'canary-cli-7d31a9e04f';
const BIN = join(import.meta.dirname, '../../bin/keelson.js');

describe.skipIf(!run)('the CLI verbs against a repository: hosts trust, deploy, status, rollback', () => {
  let dir: string;
  let sshd: Sshd;
  let nginx: Nginx;
  let images: { remove(): void };
  const keelson = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--dir', dir], { env: { ...process.env, E2E_CANARY: CANARY, NO_COLOR: '1', KEELSON_LOCK: 'none' }, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    cleanupApp(APP);
    dir = tempDir(APP);
    sshd = await startSshd(dir);
    nginx = await startNginx(dir, APP);
    images = importImages(dir, APP, [{ tag: 'v1', body: 'v1', healthy: true }, { tag: 'v2', body: 'v2', healthy: true }]);
    writeFileSync(join(dir, 'keelson.yaml'), 'apiVersion: keelson.dev/v1\nkind: Project\nmetadata:\n  name: e2e\nspec:\n  owner: e2e\n');
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(join(dir, 'manifests', 'app.yaml'), `apiVersion: keelson.dev/v1
kind: Deployment
metadata:
  name: ${APP}
spec:
  targets:
    hosts:
      - { name: local, address: 127.0.0.1, port: ${sshd.port} }
  ssh:
    user: root
    keyFile: ${sshd.clientKey}
  container:
    image: localhost/${APP}:v1
    pull: never
    envFrom: { TOKEN: E2E_CANARY }
    portRange: { from: 24000, to: 24999 }
  health: { path: /health, interval: 100ms, deadline: 5s }
  proxy:
    nginx:
      upstreamFile: ${nginx.upstreamFile}
      upstreamName: ${APP}
      command: ${nginx.command}
      verifyUrl: http://127.0.0.1:${nginx.port}/
  strategy: { drain: 200ms, lockTtl: 1m }
`);
  }, 300_000);
  afterAll(() => {
    cleanupApp(APP);
    images?.remove();
    nginx?.stop();
    sshd?.stop();
  });

  it('refuses an untrusted host, trusts it explicitly, then deploys, reports status and rolls back', () => {
    const refused = keelson('deploy', APP);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(new RegExp(`local: FAILED, \\[Deployment/${APP}\\] host local, step connect failed: host key of local \\(ssh-ed25519 SHA256:\\S+\\) is not trusted yet`));

    const trust = keelson('hosts', 'trust', 'local');
    expect(trust.code, trust.err).toBe(0);
    expect(trust.out).toMatch(new RegExp(`local \\(\\[127\\.0\\.0\\.1\\]:${sshd.port}\\): trusted ssh-ed25519 SHA256:\\S+ in ${dir}/\\.keelson/known_hosts`));

    const v1 = keelson('deploy', APP);
    expect(v1.code, v1.out + v1.err).toBe(0);
    expect(v1.out).toContain(`local: ok, blue serves localhost/${APP}:v1`);
    const v2 = keelson('deploy', APP, '--image', `localhost/${APP}:v2`);
    expect(v2.code, v2.out + v2.err).toBe(0);
    expect(v2.err).toContain('[local] health: waiting for GET /health = 200');

    const status = keelson('status', APP);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`local\\tgreen\\tlocalhost/${APP}:v2\\t20\\d\\d-\\S+\\tblue localhost/${APP}:v1`));

    const back = keelson('rollback', APP);
    expect(back.code, back.out + back.err).toBe(0);
    expect(spawnSync('busybox', ['wget', '-q', '-O', '-', `http://127.0.0.1:${nginx.port}/`]).stdout.toString()).toBe('v1');
    expect(runningContainers(APP)).toHaveLength(1);

    const usage = keelson('deploy', APP, '--ref', 'main');
    expect(usage.code).toBe(64);
    expect(usage.err).toContain('use --image, not --ref');

    for (const r of [refused, trust, v1, v2, status, back, usage]) expect(r.out + r.err).not.toContain(CANARY);
  }, 600_000);
});
