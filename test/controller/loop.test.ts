/** The controller's loop on a real bare git remote and the simulator (in-process), driven tick by tick on an injected clock. */
import { rename } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeProject, type ProjectDesc } from '../helpers/project.ts';
import { startTestSim, writeCalls, type TestSim } from '../helpers/sim.ts';
import { openSource, startHarness, type Harness } from './harness.ts';

const ZONE = { name: 'example', zone: 'example.com' };
const desc = (www: string, extra: Partial<ProjectDesc> = {}): ProjectDesc => ({
  zones: [{ ...ZONE, records: [{ name: 'www', type: 'A', value: www }, { name: 'txt', type: 'TXT', value: `v=${www}` }] }], ...extra,
});

async function records(t: TestSim): Promise<string[]> {
  const zone = (await t.conn.providers.dns.listZones()).find((z) => z.name === 'example.com')!;
  return (await t.conn.providers.dns.listRecords(zone)).filter((r) => r.type === 'A' && r.fqdn === 'www.example.com').map((r) => r.content).sort();
}

let t: TestSim;
let h: Harness;
beforeEach(async () => {
  t = await startTestSim();
  h = await startHarness(t.sim);
});
afterEach(async () => {
  await h.cleanup();
  await t.stop();
});

async function push(d: ProjectDesc, message: string, extraFiles: Record<string, string> = {}): Promise<string> {
  await writeProject(d, h.remote.work);
  return h.remote.commit(message, extraFiles);
}

describe('keelson controller loop', () => {
  it('applies a pushed commit and records its hash; an idle tick does nothing', async () => {
    const first = await push(desc('192.0.2.10'), 'first');
    await openSource(h);
    await h.controller.tick();
    const s = h.controller.status();
    expect(s.applied?.hash).toBe(first);
    expect(s.last?.revision).toBe(first);
    expect(s.last?.outcome).toBe('applied');
    expect(await records(t)).toEqual(['192.0.2.10']);
    expect(h.controller.ready()).toBe(true);
    const before = writeCalls(t.sim);
    await h.controller.tick();
    expect(writeCalls(t.sim)).toBe(before);
    const second = await push(desc('192.0.2.11'), 'second');
    await h.controller.tick();
    expect(h.controller.status().applied?.hash).toBe(second);
    expect(await records(t)).toEqual(['192.0.2.11']);
  });

  it('a broken commit applies nothing and names file:line; the fix pushed during its backoff is applied at once', async () => {
    await push(desc('192.0.2.10'), 'good');
    await openSource(h);
    await h.controller.tick();
    const bad = 'apiVersion: keelson.dev/v1\nkind: DNSZone\nmetadata: {name: broken}\nspec:\n  zone: example.org\n  records:\n    - {name: x, type: A, value: 192.0.2.1, ttl: -4}\n';
    const broken = await push(desc('192.0.2.12'), 'broken', { 'manifests/broken.yaml': bad });
    const before = writeCalls(t.sim);
    await h.controller.tick();
    const s = h.controller.status();
    expect(s.last?.outcome).toBe('invalid');
    expect(s.backoff?.revision).toBe(broken);
    expect(s.applied?.hash).not.toBe(broken);
    const failed = h.controller.events.recent.find((e) => e.event === 'reconcile.failed');
    expect(failed?.message).toMatch(/manifests\/broken\.yaml:7:\d+/);
    expect(writeCalls(t.sim)).toBe(before);
    expect(await records(t)).toEqual(['192.0.2.10']);
    // Still within the backoff: no retry, no second event.
    await h.controller.tick();
    expect(h.controller.events.recent.filter((e) => e.event === 'reconcile.failed')).toHaveLength(1);
    const fix = await h.remote.commit('fix', {});
    await h.remote.git('rm', '-q', 'manifests/broken.yaml');
    const fixed = await h.remote.commit('fix: remove broken.yaml');
    expect(fixed).not.toBe(fix);
    await h.controller.tick();
    expect(h.controller.status().applied?.hash).toBe(fixed);
    expect(h.controller.status().backoff).toBeUndefined();
    expect(await records(t)).toEqual(['192.0.2.12']);
    expect(h.controller.events.recent[0]?.event).toBe('reconcile.recovered');
  });

  it('puts back a record changed at the provider by hand within the drift interval', async () => {
    await push(desc('192.0.2.10'), 'good');
    await openSource(h);
    await h.controller.tick();
    const zone = (await t.conn.providers.dns.listZones()).find((z) => z.name === 'example.com')!;
    const rec = (await t.conn.providers.dns.listRecords(zone)).find((r) => r.type === 'A' && r.fqdn === 'www.example.com')!;
    // By hand, as a person in the dashboard would: only the content changes, the comment (keelson's marker) stays.
    const res = await fetch(`${t.sim.cloudflareBaseUrl}/zones/${zone.id}/dns_records/batch`, {
      method: 'POST', headers: { authorization: `Bearer ${t.sim.tokens.cloudflare}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patches: [{ id: rec.id, content: '198.51.100.66' }] }),
    });
    expect(res.status).toBe(200);
    expect(await records(t)).toEqual(['198.51.100.66']);
    h.clock.advance(60_000);
    await h.controller.tick();
    expect(await records(t)).toEqual(['198.51.100.66']); // not yet: the drift interval has not passed
    h.clock.advance(600_000);
    await h.controller.tick();
    expect(await records(t)).toEqual(['192.0.2.10']);
    expect(h.controller.events.recent.some((e) => e.event === 'drift.corrected')).toBe(true);
  });

  it('--no-self-heal: drift is reported once, not applied', async () => {
    await h.cleanup();
    h = await startHarness(t.sim, { selfHeal: false });
    await push(desc('192.0.2.10'), 'good');
    await openSource(h);
    await h.controller.tick();
    const zone = (await t.conn.providers.dns.listZones()).find((z) => z.name === 'example.com')!;
    const rec = (await t.conn.providers.dns.listRecords(zone)).find((r) => r.type === 'A' && r.fqdn === 'www.example.com')!;
    await fetch(`${t.sim.cloudflareBaseUrl}/zones/${zone.id}/dns_records/batch`, {
      method: 'POST', headers: { authorization: `Bearer ${t.sim.tokens.cloudflare}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patches: [{ id: rec.id, content: '198.51.100.66' }] }),
    });
    const before = writeCalls(t.sim);
    h.clock.advance(600_000);
    await h.controller.tick();
    h.clock.advance(600_000);
    await h.controller.tick();
    expect(writeCalls(t.sim)).toBe(before);
    expect(await records(t)).toEqual(['198.51.100.66']);
    expect(h.controller.status().last?.outcome).toBe('planned');
    expect(h.controller.events.recent.filter((e) => e.event === 'drift.found')).toHaveLength(1);
  });

  it('a refused plan is not applied, is reported once, and is not retried until the commit or live state changes', async () => {
    const safety = { maxChangePercent: 10, minCountForPercent: 1 };
    await push(desc('192.0.2.10', { safety }), 'good');
    await openSource(h);
    await h.controller.tick();
    const risky = await push(desc('192.0.2.99', { safety }), 'updates every record');
    const before = writeCalls(t.sim);
    await h.controller.tick();
    const s = h.controller.status();
    expect(s.last?.outcome).toBe('refused');
    expect(s.refused?.revision).toBe(risky);
    expect(s.last?.refusals.join(' ')).toMatch(/would update 2 of 2 DNSRecord/);
    expect(writeCalls(t.sim)).toBe(before);
    expect(await records(t)).toEqual(['192.0.2.10']);
    const reconciles = () => h.controller.events.recent.filter((e) => e.event === 'plan.refused').length;
    expect(reconciles()).toBe(1);
    await h.controller.tick();
    h.clock.advance(700_000);
    await h.controller.tick(); // drift re-plans: same plan, same refusal, no second event, nothing written
    expect(reconciles()).toBe(1);
    expect(writeCalls(t.sim)).toBe(before);
    expect(await h.metrics.registry.getSingleMetricAsString('keelson_plan_refusals_total')).toMatch(/keelson_plan_refusals_total 2/);
  });

  it('a failed fetch keeps the last good commit in force (never "no manifests") and is reported', async () => {
    const good = await push(desc('192.0.2.10'), 'good');
    await openSource(h);
    await h.controller.tick();
    await rename(h.remote.bare, `${h.remote.bare}.gone`);
    h.clock.advance(700_000);
    const before = writeCalls(t.sim);
    await h.controller.tick();
    expect(h.controller.status().sourceError).toMatch(/ls-remote failed/);
    expect(h.controller.status().applied?.hash).toBe(good);
    expect(writeCalls(t.sim)).toBe(before);
    expect(await records(t)).toEqual(['192.0.2.10']);
    expect(h.controller.events.recent.filter((e) => e.event === 'source.failed')).toHaveLength(1);
    await h.controller.tick();
    expect(h.controller.events.recent.filter((e) => e.event === 'source.failed')).toHaveLength(1);
    await rename(`${h.remote.bare}.gone`, h.remote.bare);
    await h.controller.tick();
    expect(h.controller.status().sourceError).toBeUndefined();
    expect(h.controller.events.recent[0]?.event).toBe('source.recovered');
  });

  it('sends events to the Notifiers the manifests name, once per state change, with an idempotency key', async () => {
    const { createServer } = await import('node:http');
    const got: { event: string; details: { idempotencyKey: string } }[] = [];
    const rx = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c));
      req.on('end', () => {
        got.push(JSON.parse(b));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    const port = (rx.address() as { port: number }).port;
    const notifier = stringify({ apiVersion: 'keelson.dev/v1', kind: 'Notifier', metadata: { name: 'ops' }, spec: { webhook: { url: `http://127.0.0.1:${port}/hook` }, events: ['reconcile.*', 'plan.*'] } });
    try {
      await push(desc('192.0.2.10'), 'good', { 'manifests/notify.yaml': notifier });
      await openSource(h);
      await h.controller.tick();
      await push(desc('192.0.2.10'), 'broken', { 'manifests/notify.yaml': notifier, 'manifests/broken.yaml': 'kind: Nope\n' });
      await h.controller.tick();
      h.clock.advance(6_000);
      await h.controller.tick(); // the retry fails the same way: no second event
      expect(got.map((e) => e.event)).toEqual(['reconcile.failed']);
      expect(got[0]?.details.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await new Promise((r) => rx.close(r));
    }
  });
});
