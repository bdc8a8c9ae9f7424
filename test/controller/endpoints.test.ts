/** The controller's endpoints and signed-commit check, on a real bare git remote and the simulator. */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEndpoints, validHubSignature } from '../../src/controller/http.ts';
import { writeProject } from '../helpers/project.ts';
import { startTestSim, writeCalls, type TestSim } from '../helpers/sim.ts';
import { openSource, startHarness, type Harness } from './harness.ts';

const project = (www: string) => ({ zones: [{ name: 'example', zone: 'example.com', records: [{ name: 'www', type: 'A' as const, value: www }] }] });

async function until(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${label}`);
}

let t: TestSim;
let h: Harness | undefined;
beforeEach(async () => {
  t = await startTestSim();
});
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
  await t.stop();
});

describe('POST /hooks/git', () => {
  it('a good signature answers 202 and reconciles at once; a bad or missing one 401 and nothing; over 1 MiB 413', async () => {
    h = await startHarness(t.sim);
    await writeProject(project('192.0.2.10'), h.remote.work);
    const first = await h.remote.commit('first');
    await openSource(h);
    const secret = 'hook-secret-for-tests';
    const c = h.controller;
    const ep = await startEndpoints({ healthy: () => c.healthy(), ready: () => c.ready(), registry: h.metrics.registry, status: () => c.status(), hookSecret: secret, onHook: () => c.poke() }, '127.0.0.1', 0);
    try {
      expect((await fetch(`${ep.url}/readyz`)).status).toBe(503);
      // The injected clock never ends a sleep by itself: after the first tick only a webhook wakes the loop.
      void c.start();
      await until(() => c.status().applied?.hash === first, 'the first commit');
      expect((await fetch(`${ep.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${ep.url}/healthz`)).status).toBe(200);
      await writeProject(project('192.0.2.20'), h.remote.work);
      const second = await h.remote.commit('second');
      const body = JSON.stringify({ ref: 'refs/heads/main', after: second });
      const sign = (s: string) => `sha256=${createHmac('sha256', s).update(body).digest('hex')}`;
      const post = (headers: Record<string, string>, b: string = body) => fetch(`${ep.url}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-hub-signature-256': sign('wrong') })).status).toBe(401);
      expect((await post({ 'x-hub-signature-256': sign(secret) }, 'x'.repeat(1024 * 1024 + 1))).status).toBe(413);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.status().applied?.hash).toBe(first);
      expect((await post({ 'x-hub-signature-256': sign(secret) })).status).toBe(202);
      await until(() => c.status().applied?.hash === second, 'the pushed commit');
      const metrics = await (await fetch(`${ep.url}/metrics`)).text();
      expect(metrics).toContain(`keelson_applied_revision{revision="${second}"} 1`);
      expect(metrics).toMatch(/keelson_reconciles_total\{result="applied",trigger="commit"\} 2/);
      expect(metrics).toMatch(/keelson_api_calls_total\{provider="cloudflare"\} \d+/);
      expect(metrics).toMatch(/keelson_changes_total\{kind="DNSRecord",action="update",status="done"\} 1/);
      const status = (await (await fetch(`${ep.url}/api/status`)).json()) as { applied: { hash: string } };
      expect(status.applied.hash).toBe(second);
    } finally {
      await ep.close();
    }
  });

  it('compares signatures in full', () => {
    const body = Buffer.from('{}');
    const good = `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`;
    expect(validHubSignature('s', body, good)).toBe(true);
    expect(validHubSignature('s', body, good.slice(0, -1))).toBe(false);
    expect(validHubSignature('s', body, undefined)).toBe(false);
    expect(validHubSignature('s', Buffer.from('{ }'), good)).toBe(false);
  });
});

describe('--verify-commits', () => {
  it('an unsigned or foreign-signed head is refused and named, nothing applied; a commit signed by an allowed key is applied', async () => {
    const { createGitRemote } = await import('../helpers/git-remote.ts');
    const remote = await createGitRemote();
    const keygen = (name: string) => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(remote.root, name)]);
      return join(remote.root, name);
    };
    const allowed = keygen('allowed');
    const foreign = keygen('foreign');
    const signers = join(remote.root, 'allowed_signers');
    await writeFile(signers, `test@example.com ${(await readFile(`${allowed}.pub`, 'utf8')).trim()}\n`);
    h = await startHarness(t.sim, { remote, allowedSigners: signers });
    await writeProject(project('192.0.2.10'), remote.work);
    const unsigned = await remote.commit('unsigned');
    await openSource(h);
    await h.controller.tick();
    expect(h.controller.status().applied).toBeUndefined();
    expect(writeCalls(t.sim)).toBe(0);
    const refused = h.controller.events.recent.find((e) => e.event === 'commit.refused');
    expect(refused?.message).toContain(unsigned);
    expect(refused?.message).toMatch(/not signed/);
    const byForeign = await remote.commit('foreign', {}, { sign: foreign });
    await h.controller.tick();
    expect(h.controller.status().applied).toBeUndefined();
    expect(h.controller.events.recent[0]?.message).toContain(byForeign);
    const signed = await remote.commit('signed', {}, { sign: allowed });
    await h.controller.tick();
    expect(h.controller.status().applied?.hash).toBe(signed);
  });
});
