import { describe, expect, it } from 'vitest';
import { renderSummary, rollout } from '../../src/deploy/rollout.ts';
import type { HostAddress } from '../../src/deploy/ssh.ts';
import type { Clock, ExecResult, Remote } from '../../src/deploy/types.ts';
import { eventMatches, signBody } from '../../src/notify/webhook.ts';
import { containerSource, deploymentDoc } from '../helpers/deployment.ts';

let t = 0;
/** Time moves only when keelson sleeps. */
const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };

/** A host that answers keelson's scripts as an empty, healthy host would, recording every command. */
function fakeHost(name: string, opts: { healthStatus?: number; verifyStatus?: number; log: string[] }): Remote {
  const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
  return {
    name,
    counts: { exec: 0, http: 0 },
    close: () => undefined,
    async exec(command, o) {
      this.counts.exec++;
      // The lock refresh runs beside the steps (its own session shell): counted, not in the step order.
      if (o?.beside) return ok(command.includes('echo refreshed') ? 'refreshed\n' : '');
      const kind = command.includes('mkdir "$d"') ? 'lock'
        : command.includes('keelson-prev') ? 'switch'
          : command === 'sh -s' ? 'start'
            : command.includes('echo refreshed') ? 'refresh'
            : command.includes('state.json') ? 'record'
              : command.includes('grep -qxF') ? 'unlock'
                : command.includes(' stop ') ? 'stop' : command;
      opts.log.push(`${name}:${kind}`);
      if (kind === 'lock') return ok('acquired\n@@locked\n@@state\n\n@@upstream\n\n@@ports\n\n@@runtime\npodman\n@@containers\n');
      if (kind === 'switch') return ok('master=\nworkers-before=\n');
      return ok();
    },
    async httpGet(_host, port) {
      this.counts.http++;
      if (port === 8080 && opts.verifyStatus) {
        t += 30;
        return { status: opts.verifyStatus, body: 'bad gateway' };
      }
      return { status: opts.healthStatus ?? 200, body: opts.healthStatus ? 'starting' : 'ok' };
    },
  };
}

const hosts: HostAddress[] = ['a', 'b', 'c'].map((n) => ({ name: n, address: `10.0.0.${n.charCodeAt(0) - 96}`, port: 22 }));

describe('rollout', () => {
  it('deploys one host at a time in Kamal order: lock + inspect, start, health, switch + record, unlock', async () => {
    const log: string[] = [];
    const doc = deploymentDoc('web', { source: { container: containerSource({ pull: 'never' }) } });
    const s = await rollout({ doc, action: 'deploy', hosts, root: '/tmp', clock, connect: async (h) => fakeHost(h.name, { log }) });
    expect(s.ok).toBe(true);
    // One remote command per step, plus one lock refresh per host beside them (at once, then every
    // third of lockTtl: 5 min here).
    expect(log).toEqual(['a', 'b', 'c'].flatMap((h) => [`${h}:lock`, `${h}:start`, `${h}:switch`, `${h}:unlock`]));
    expect(s.counts).toEqual({ exec: 15, http: 3 });
    expect(renderSummary(s)[0]).toBe('deploy of Deployment/web: 3 succeeded, 0 failed, 0 skipped');
  });

  it('stops at the first failed host; the rest are skipped and keep their version', async () => {
    const log: string[] = [];
    const doc = deploymentDoc('web', { source: { container: containerSource({ pull: 'never' }) }, health: { path: '/health', expectStatus: 200, interval: 100, timeout: 100, deadline: 300 } });
    const s = await rollout({ doc, action: 'deploy', hosts, root: '/tmp', clock, connect: async (h) => fakeHost(h.name, { log, healthStatus: h.name === 'b' ? 503 : undefined }) });
    expect(s.hosts.map((h) => h.status)).toEqual(['succeeded', 'failed', 'skipped']);
    const failed = s.hosts[1];
    expect(failed?.status === 'failed' && failed.error.message).toMatch(/^\[Deployment\/web\] host b, step health failed: web-blue not healthy after 3 checks in 0\.2 s: GET \/health answered 503 "starting"/);
    // The new container on b is removed, nginx is never touched, the lock is released.
    expect(log.filter((l) => l.startsWith('b:'))).toEqual(['b:lock', 'b:start', 'b:podman logs --tail 10 web-blue 2>&1', 'b:stop', 'b:unlock']);
    expect(log.some((l) => l.startsWith('c:'))).toBe(false);
  });

  it('a failed verify names the whole verify time and the number of checks, then switches back', async () => {
    const log: string[] = [];
    const base = deploymentDoc('web', { source: { container: containerSource({ pull: 'never' }) } });
    const doc = { ...base, spec: { ...base.spec, proxy: { nginx: { ...base.spec.proxy.nginx, verifyUrl: 'http://127.0.0.1:8080/' } } } };
    const s = await rollout({ doc, action: 'deploy', hosts: hosts.slice(0, 1), root: '/tmp', clock, connect: async (h) => fakeHost(h.name, { log, verifyStatus: 502 }) });
    const h = s.hosts[0];
    expect(h?.status === 'failed' && h.error.message).toMatch(/^\[Deployment\/web\] host a, step verify failed: http:\/\/127\.0\.0\.1:8080\/ did not answer 200 in (9|10)\.\d s of verifying \(\d+ checks\); last: GET \/ answered 502 "bad gateway"$/);
    // The first switch, then the one back (there was no old slot here, so only the lock's state is kept).
    expect(log.filter((l) => l === 'a:switch')).toHaveLength(1);
  });

  it('names the host and the connect step when a connection fails', async () => {
    const doc = deploymentDoc('web');
    const s = await rollout({ doc, action: 'deploy', hosts: hosts.slice(0, 2), root: '/tmp', clock, connect: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.1:22');
    } });
    expect(renderSummary(s).slice(1)).toEqual([
      '  a: FAILED, [Deployment/web] host a, step connect failed: connect ECONNREFUSED 10.0.0.1:22',
      '  b: skipped, an earlier host failed; left on its current version',
    ]);
  });

  it('refuses to start when an envFrom variable is missing, before touching any host', async () => {
    const doc = deploymentDoc('web', { source: { container: containerSource({ envFrom: { TOKEN: 'KEELSON_TEST_MISSING_VAR' } }) } });
    await expect(rollout({ doc, action: 'deploy', hosts, root: '/tmp', clock, env: {}, connect: async () => {
      throw new Error('must not connect');
    } })).rejects.toThrow('environment variable KEELSON_TEST_MISSING_VAR (envFrom TOKEN) is not set');
  });
});

describe('webhook notifier', () => {
  it('signs the exact body with HMAC-SHA256', () => {
    // Computed independently (openssl dgst -sha256 -hmac k), so a wrong algorithm or encoding fails.
    expect(signBody('k', '{"a":1}')).toBe('sha256=c3a92ff9e274cdcce27a58c15a78ec6dcbbdbd0038a87e7a11baef2028fd8bff');
  });
  it('matches event patterns', () => {
    expect(eventMatches(['*'], 'deploy.failed')).toBe(true);
    expect(eventMatches(['deploy.*'], 'deploy.failed')).toBe(true);
    expect(eventMatches(['deploy.succeeded'], 'deploy.failed')).toBe(false);
    expect(eventMatches(['rollback.*'], 'deploy.failed')).toBe(false);
  });
});
