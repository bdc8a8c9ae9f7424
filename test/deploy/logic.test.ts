import { describe, expect, it } from 'vitest';
import { waitHealthy } from '../../src/deploy/health.ts';
import { reconcileState, parseHostView } from '../../src/deploy/host-state.ts';
import { findKnownKeys, fingerprint, hostPattern, knownHostsLine } from '../../src/deploy/known-hosts.ts';
import { parseLockOutput } from '../../src/deploy/lock.ts';
import { parseSwitchOutput, reloadApplied } from '../../src/deploy/proxy.ts';
import { loadedUpstream } from '../../src/deploy/switch-script.ts';
import { parseUpstreamMarker, renderUpstream, upstreamPort, type LiveSlot } from '../../src/deploy/upstream.ts';
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/deploy/types.ts';

/** A clock that only moves when the code under test sleeps (or a probe takes time). */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

const live: LiveSlot = { slot: 'green', port: 20001, version: 'img:v2', container: 'web-green', since: '2026-01-01T00:00:00.000Z', deployId: 'd2' };

describe('health gate', () => {
  it('passes on the first healthy answer', async () => {
    const clock = fakeClock();
    let n = 0;
    const r = await waitHealthy(async () => (++n >= 3 ? { ok: true } : { ok: false, why: `503 #${n}` }), { interval: 500, timeout: 1000, deadline: 10_000 }, clock);
    expect(r).toEqual({ ok: true, attempts: 3, elapsedMs: 1000 });
  });

  it('fails before the deadline with the last answer, never sleeping past it', async () => {
    const clock = fakeClock();
    const timeouts: number[] = [];
    const r = await waitHealthy(async (t) => (timeouts.push(t), { ok: false, why: 'GET /health answered 404' }), { interval: 1000, timeout: 2000, deadline: 3500 }, clock);
    expect(r).toEqual({ ok: false, attempts: 4, elapsedMs: 3000, last: 'GET /health answered 404' });
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
    // A check never runs past the deadline.
    expect(timeouts).toEqual([2000, 2000, 1500, 500]);
  });

  it('reports the last whole check, not one the deadline cut short', async () => {
    const clock = fakeClock();
    const r = await waitHealthy(async (t) => ({ ok: false, why: t < 2000 ? `no answer within ${t} ms` : 'GET /health answered 404' }), { interval: 1000, timeout: 2000, deadline: 3500 }, clock);
    expect(!r.ok && r.last).toBe('GET /health answered 404');
  });

  it('treats a thrown probe as a failed check', async () => {
    const r = await waitHealthy(async () => {
      throw new Error('connection refused');
    }, { interval: 100, timeout: 100, deadline: 250 }, fakeClock());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.last).toBe('connection refused');
  });
});

describe('upstream file', () => {
  it('renders the upstream with a marker and reads it back', () => {
    const text = renderUpstream('Deployment/web', 'web', live);
    expect(text).toBe([
      '# Managed by keelson (Deployment/web); every deploy rewrites this file.',
      `# keelson-live ${JSON.stringify(live)}`,
      'upstream web {',
      '    server 127.0.0.1:20001;',
      '}',
      '',
    ].join('\n'));
    expect(parseUpstreamMarker(text)).toEqual(live);
    expect(upstreamPort(text)).toBe(20001);
    expect(parseUpstreamMarker('upstream web { server 127.0.0.1:9; }')).toBeUndefined();
  });
});

describe('host state recovery', () => {
  const blue: LiveSlot = { ...live, slot: 'blue', port: 20000, version: 'img:v1', container: 'web-blue', deployId: 'd1' };
  it('keeps the recorded state when the marker agrees', () => {
    expect(reconcileState({ live, previous: blue }, live)).toEqual({ live, previous: blue });
  });
  it('trusts the marker when a killed deploy switched nginx but did not record', () => {
    expect(reconcileState({ live: blue }, live)).toEqual({ live, previous: blue });
  });
  it('reads a host view from the inspect output', () => {
    const out = `@@state\n${JSON.stringify({ live: blue })}\n@@upstream\n${renderUpstream('Deployment/web', 'web', live)}\n@@ports\n   0: 0100007F:4E20 00000000:0000 0A 0\n@@runtime\npodman\n`;
    const v = parseHostView(out);
    expect(v.state).toEqual({ live, previous: blue });
    expect([...v.used]).toEqual([20000]);
    expect(v.sections.runtime).toBe('podman');
  });
  // Boot at 1000 s real time: clock line `now uptime1 uptime2 ticks`; worker start times in ticks since boot.
  const nginxSection = (mtime: number, workerStartS: number[]): string =>
    [`clock 1500.000 500.00 500.00 100`, `mtime ${mtime.toFixed(3)}`, ...workerStartS.map((t, i) => `worker ${100 + i} ${Math.round(t * 100)}`)].join('\n');
  it('judges the upstream file live when nginx workers started after it was written', () => {
    expect(loadedUpstream(nginxSection(1400, [400.05, 400.05]))).toBe('file');
    // A later start (a restart) read the file too.
    expect(loadedUpstream(nginxSection(1400, [450]))).toBe('file');
  });
  it('judges the previous file live when every worker is older than the file (the reload never happened)', () => {
    expect(loadedUpstream(nginxSection(1400, [390]))).toBe('previous');
    expect(loadedUpstream(nginxSection(1400, [390, 450]))).toBe('previous');
    expect(loadedUpstream('')).toBe('unknown');
    expect(loadedUpstream(nginxSection(1400, []))).toBe('unknown');
  });
  it('takes the previous file\'s slot as live when its reload never happened, never the renamed one', () => {
    const blueFile = renderUpstream('Deployment/web', 'web', blue);
    const greenFile = renderUpstream('Deployment/web', 'web', live);
    const out = `@@state\n${JSON.stringify({ live: blue })}\n@@upstream\n${greenFile}\n@@ports\n@@nginx\n${nginxSection(1400, [390])}\n@@previous\n${blueFile}\n`;
    const v = parseHostView(out);
    expect(v.loaded).toBe('previous');
    expect(v.state.live?.slot).toBe('blue');
    const applied = parseHostView(out.replace('worker 100 39000', 'worker 100 40010'));
    expect(applied.loaded).toBe('file');
    expect(applied.state.live?.slot).toBe('green');
  });
});

describe('lock output', () => {
  it('reads acquired, held and took-over', () => {
    expect(parseLockOutput('acquired\n')).toEqual({ kind: 'acquired' });
    expect(parseLockOutput('held\nholder=ci@box pid 7 run r1\nexpires=1700000000\n')).toEqual({ kind: 'held', holder: 'ci@box pid 7 run r1', expiresAt: new Date(1_700_000_000_000) });
    expect(parseLockOutput('took-over\nholder=old\nexpires=1600000000\n')).toEqual({ kind: 'took-over', previousHolder: 'old', expiredAt: new Date(1_600_000_000_000) });
    expect(parseLockOutput('held\n')).toMatchObject({ kind: 'held', holder: 'an unknown keelson run' });
  });
});

describe('nginx reload verification', () => {
  it('parses the switch output', () => {
    expect(parseSwitchOutput('master=100\nworkers-before= 101 102 \n@@workers\n 103 nginx: worker process\n')).toEqual({
      master: 100, workersBefore: [101, 102], workersAfter: ' 103 nginx: worker process\n',
    });
    expect(parseSwitchOutput('master=\nworkers-before=\n').master).toBeUndefined();
  });
  it('is applied only when every accepting worker is new', () => {
    expect(reloadApplied([101], ' 101 nginx: worker process is shutting down\n 103 nginx: worker process\n')).toBe(true);
    expect(reloadApplied([101], ' 101 nginx: worker process\n 103 nginx: worker process\n')).toBe(false);
    expect(reloadApplied([101], ' 101 nginx: worker process is shutting down\n')).toBe(false);
    expect(reloadApplied([], ' 103 nginx: cache manager process\n 104 nginx: worker process\n')).toBe(true);
  });
});

describe('known hosts', () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), randomBytes(32)]);
  it('matches plain, [host]:port and hashed entries', () => {
    expect(hostPattern('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(hostPattern('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    const plain = knownHostsLine('10.0.0.1', 2222, blob);
    expect(findKnownKeys(plain, '10.0.0.1', 2222).map((k) => k.type)).toEqual(['ssh-ed25519']);
    expect(findKnownKeys(plain, '10.0.0.1', 22)).toEqual([]);
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[example.com]:2222').digest('base64');
    const hashed = `# comment\n|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${blob.toString('base64')}\n`;
    expect(findKnownKeys(hashed, 'example.com', 2222)[0]?.blob.equals(blob)).toBe(true);
    expect(findKnownKeys(hashed, 'other.com', 2222)).toEqual([]);
    expect(findKnownKeys(`@revoked ${plain}`, '10.0.0.1', 2222)).toEqual([]);
  });
  it('prints fingerprints as ssh-keygen does', () => {
    expect(fingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
  });
});
