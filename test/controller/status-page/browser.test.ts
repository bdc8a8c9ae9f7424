/**
 * The status page in a real browser: Debian's Chromium driven by playwright-core loads the page of a
 * controller running on a bare git remote and the simulator, over loopback only. With CI=true a
 * missing Chromium fails the test.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEndpoints } from '../../../src/controller/http.ts';
import { statusAuthFrom } from '../../../src/controller/status-page/auth.ts';
import { renderStatusPage } from '../../../src/controller/status-page/render.ts';
import { writeProject, type RecordDesc } from '../../helpers/project.ts';
import { startTestSim, type TestSim } from '../../helpers/sim.ts';
import { openSource, startHarness, type Harness } from '../harness.ts';
import { validateStatus } from './schema.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../../../test-artifacts');
const CANARY = 'canary-status-token-7f3a9c';
const HOSTILE = '<script>window.__pwned=1</script>';

async function until(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${label}: ${JSON.stringify(h?.controller.status().last)}`);
}

let t: TestSim;
let h: Harness | undefined;
const contexts: BrowserContext[] = [];
let profile: string | undefined;

/** Chromium with a fresh profile of its own (a persistent context is how Playwright takes --user-data-dir). */
async function openChromium(javaScriptEnabled: boolean, headers: Record<string, string>): Promise<BrowserContext> {
  profile ??= await mkdtemp(join(tmpdir(), 'keelson-chromium-'));
  const ctx = await chromium.launchPersistentContext(join(profile, javaScriptEnabled ? 'js' : 'no-js'), {
    executablePath: CHROMIUM, headless: true, javaScriptEnabled, extraHTTPHeaders: headers, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  contexts.push(ctx);
  return ctx;
}
beforeEach(async () => {
  t = await startTestSim({ speed: 200 });
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  profile = undefined;
  await h?.cleanup();
  h = undefined;
  await t.stop();
});

describe('the status page in Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('shows the fleet of a running controller, fetches nothing from outside, works without JavaScript', async () => {
    h = await startHarness(t.sim);
    const www: RecordDesc & { comment: string } = { name: 'www', type: 'A', servers: ['web-1', 'web-2'], comment: HOSTILE };
    await writeProject({ servers: [{ name: 'web-1' }, { name: 'web-2', region: 'ams' }], zones: [{ name: 'example', zone: 'example.com', records: [www] }] }, h.remote.work);
    const first = await h.remote.commit('two web servers behind www');
    await openSource(h);
    const c = h.controller;
    const auth = statusAuthFrom('bearer', { KEELSON_STATUS_TOKEN: CANARY });
    const ep = await startEndpoints({
      healthy: () => c.healthy(), ready: () => c.ready(), registry: h.metrics.registry, status: () => c.status(),
      page: () => renderStatusPage(c.status()), ...(auth && { statusAuth: auth }), onHook: () => c.poke(),
    }, '127.0.0.1', 0);
    try {
      void c.start();
      await until(() => c.status().applied?.hash === first, 'the first commit');
      // The first reconcile observed before it created the servers; a drift pass observes them live.
      h.clock.advance(600_000);
      c.poke();
      await until(() => c.status().last?.trigger === 'drift', 'a drift reconcile');
      expect(c.status().fleet?.servers.map((s) => s.state !== undefined)).toEqual([true, true]);

      const denied = await fetch(`${ep.url}/`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect((await fetch(`${ep.url}/api/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const json = await (await fetch(`${ep.url}/api/status`, { headers: { authorization: `Bearer ${CANARY}` } })).text();
      expect(json).not.toContain(CANARY);
      expect(validateStatus(JSON.parse(json)), JSON.stringify(validateStatus.errors)).toBe(true);

      const requests: string[] = [];
      const errors: string[] = [];
      const headers = { authorization: `Bearer ${CANARY}` };
      const ctx = await openChromium(true, headers);
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      const res = await page.goto(`${ep.url}/`);
      expect(res?.status()).toBe(200);
      const serverRows = await page.locator('#servers tbody tr').allInnerTexts();
      expect(serverRows).toHaveLength(2);
      expect(serverRows[0]).toContain('web-1');
      expect(serverRows[1]).toContain('web-2');
      expect(serverRows[1]).toContain('ams');
      const dnsRows = await page.locator('#dns tbody tr').allInnerTexts();
      expect(dnsRows).toHaveLength(1);
      expect(dnsRows[0]).toContain('www.example.com');
      expect(dnsRows[0]).toContain(HOSTILE);
      expect(await page.locator('#applied').innerText()).toContain(first.slice(0, 12));
      expect(await page.locator('#reconcile').innerText()).toContain('in-sync');
      expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
      expect(await page.content()).not.toContain(CANARY);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(ARTIFACTS, 'status-page-phone.png'), fullPage: true });
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((u) => !u.startsWith('http://127.0.0.1:'))).toEqual([]);
      expect(errors).toEqual([]);

      const noJs = await openChromium(false, headers);
      const plain = noJs.pages()[0] ?? (await noJs.newPage());
      await plain.goto(`${ep.url}/`);
      expect(await plain.locator('#servers tbody tr').count()).toBe(2);
      expect(await plain.locator('#dns tbody tr').count()).toBe(1);
    } finally {
      await ep.close();
    }
  }, 120_000);
});
