import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PermissionDeniedError, RateLimitError } from 'cloudflare';
import { createClock } from '../../src/sim/clock.ts';
import { DEFAULT_TIMINGS, FOREIGN_IDS, startSimulator } from '../../src/sim/index.ts';
import { VULTR_ERRORS } from '../../src/sim/vultr/errors.ts';
import { cloudflareSdk, failed, loose, ok, startTestSim, vultrSdk, type VInstance } from './harness.ts';

const { sim, vultr, cf } = await startTestSim({ rateLimits: { vultrPerSecond: 30, cloudflarePerWindow: 1200 } });
const admin = async (method: string, path: string, body?: object) => {
  const res = await fetch(`${sim.url}/_sim/${path}`, { method, ...(body && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

afterEach(() => {
  sim.admin.clearFaults();
  sim.admin.setRateLimits({ enabled: true });
  sim.admin.advance(300_000); // fresh rate-limit windows
});

describe('auth', () => {
  it('answers missing or wrong Vultr keys with 401', async () => {
    expect(failed(await vultrSdk(sim, 'wrong').account.getAccountInfo({})).message).toBe(`Unauthorized: ${VULTR_ERRORS.unauthorized}`);
    // The SDK refuses to send without a key, so the missing-key case goes over plain HTTP.
    const res = await fetch(`${sim.vultrBaseUrl}/account`);
    expect([res.status, await res.json()]).toEqual([401, { error: VULTR_ERRORS.unauthorized, status: 401 }]);
  });

  it('answers Cloudflare auth as reported: none → 400 9106, malformed → 400 6003, wrong → 403 10000', async () => {
    const codes = async (headers: Record<string, string>) => {
      const res = await fetch(`${sim.cloudflareBaseUrl}/zones`, { headers });
      return [res.status, ((await res.json()) as { errors: { code: number }[] }).errors[0]?.code];
    };
    expect(await codes({})).toEqual([400, 9106]);
    expect(await codes({ authorization: 'Bearer bad token!' })).toEqual([400, 6003]);
    expect(await codes({ authorization: 'Bearer wrong-token' })).toEqual([403, 10000]);
    await expect(cloudflareSdk(sim, 'wrong-token').zones.list()).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe('rate limits', () => {
  it('Vultr: more than 30 requests in a second get 429 with retry-after', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${sim.vultrBaseUrl}/account`, { headers: { authorization: `Bearer ${sim.tokens.vultr}` } })
      .then(async (r) => [r.status, r.headers.get('retry-after'), await r.text()] as const)));
    const limited = statuses.filter(([s]) => s === 429);
    expect(limited).toHaveLength(10);
    expect(limited[0]?.[1]).toBe('1');
    expect(JSON.parse(limited[0]?.[2] ?? '{}')).toEqual({ error: VULTR_ERRORS.rateLimited, status: 429 });
    sim.admin.advance(1_000);
    ok(await vultr.account.getAccountInfo({}));
  });

  it('Cloudflare: past 1,200 requests per 5 minutes, 429 (code 971) for the rest of the window', async () => {
    sim.admin.setRateLimits({ cloudflarePerWindow: 5 });
    for (let i = 0; i < 5; i++) await cf.zones.get({ zone_id: FOREIGN_IDS.exampleCom });
    const res = await fetch(`${sim.cloudflareBaseUrl}/zones`, { headers: { authorization: `Bearer ${sim.tokens.cloudflare}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await res.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(971);
    await expect(cf.zones.list()).rejects.toBeInstanceOf(RateLimitError);
    sim.admin.advance(300_000);
    expect((await cf.zones.list()).result).toHaveLength(2);
    sim.admin.setRateLimits({ cloudflarePerWindow: 1200 });
  });
});

describe('faults and counters', () => {
  it('scripted: the 3rd POST /v2/instances creates the server, then drops the connection', async () => {
    sim.admin.setRateLimits({ enabled: false });
    sim.admin.addFault({ endpoint: 'POST /v2/instances', effect: 'reset', nth: 3, after: true });
    sim.admin.resetCounters();
    const before = sim.admin.dump().vultr.instances.length;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await vultr.instances.createInstance({ region: 'ewr', plan: 'vc2-1c-1gb', os_id: '2284', label: `f${i}` }));
    expect(results.map((r) => r instanceof Error)).toEqual([false, false, true, false]);
    expect(sim.admin.dump().vultr.instances.length).toBe(before + 4);
    expect(sim.admin.count('POST /v2/instances')).toBe(4);
    expect(sim.admin.faults()[0]).toMatchObject({ seen: 4, fired: 1 });
  });

  it('error rates per endpoint: 500/502/429 at rate 1, and rate 0 never fires', async () => {
    sim.admin.setRateLimits({ enabled: false });
    sim.admin.addFault({ endpoint: 'GET /v2/account', effect: 502, rate: 1, times: 2 });
    expect(failed(await vultr.account.getAccountInfo({})).message).toBe('Bad Gateway: Bad Gateway');
    expect(failed(await vultr.account.getAccountInfo({})).message).toMatch(/^Bad Gateway/);
    ok(await vultr.account.getAccountInfo({}));
    sim.admin.addFault({ endpoint: 'GET /client/v4/zones', effect: 500, rate: 1 });
    sim.admin.addFault({ endpoint: 'GET /v2/regions', effect: 500, rate: 0 });
    await expect(cf.zones.list()).rejects.toMatchObject({ status: 500 });
    ok(await vultr.regions.listRegions({}));
  });

  it('timeouts hold the request until the client gives up', async () => {
    sim.admin.addFault({ endpoint: 'GET /v2/os', effect: 'timeout', nth: 1 });
    const ctl = new AbortController();
    const pending = fetch(`${sim.vultrBaseUrl}/os`, { headers: { authorization: `Bearer ${sim.tokens.vultr}` }, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await expect(pending).rejects.toThrow();
    ok(await vultr.operatingSystems.listImages({}));
  });

  it('latency is added per call (set at run time)', async () => {
    sim.admin.setLatency({ latencyMs: 5, jitterMs: 5 });
    expect(sim.admin.latency()).toEqual({ latencyMs: 5, jitterMs: 5 });
    ok(await vultr.account.getAccountInfo({}));
    sim.admin.setLatency({ latencyMs: 0, jitterMs: 0 });
  });
});

describe('admin API over HTTP', () => {
  it('reads and resets counters, adds and clears faults, sets latency, advances the clock, dumps the world', async () => {
    await admin('DELETE', 'counters');
    ok(await vultr.plans.listPlans({}));
    expect((await admin('GET', 'counters')).body.counters).toEqual({ 'GET /v2/plans': 1 });
    const added = await admin('POST', 'faults', { endpoint: 'GET /v2/plans', effect: 503, nth: 1 });
    expect(added.status).toBe(200);
    expect(failed(await vultr.plans.listPlans({})).message).toMatch(/^Service Unavailable/);
    expect((await admin('POST', 'faults', { endpoint: 'nonsense', effect: 418 })).status).toBe(400);
    expect((await admin('DELETE', 'faults')).body.faults).toEqual([]);
    expect((await admin('PUT', 'latency', { latencyMs: 0, jitterMs: 0 })).body).toEqual({ latencyMs: 0, jitterMs: 0 });
    const t0 = (await admin('GET', 'clock')).body.now as number;
    expect((await admin('POST', 'clock/advance', { ms: 60_000 })).body.now).toBe(t0 + 60_000);
    const world = (await admin('GET', 'world')).body as { cloudflare: { zones: unknown[] } };
    expect(world.cloudflare.zones).toHaveLength(2);
    expect(((await admin('GET', 'foreign')).body.foreign as unknown[]).length).toBeGreaterThan(0);
    expect((await admin('GET', 'nope')).status).toBe(404);
  });
});

describe('foreign resources', () => {
  it('records any change to a resource marked as someone else\'s', async () => {
    const other = await startSimulator({ manualClock: true, rateLimits: false });
    try {
      const v = vultrSdk(other);
      const i = ok<{ instance: VInstance }>(await v.instances.createInstance({ region: 'ewr', plan: 'vc2-1c-1gb', os_id: '2284' })).instance;
      other.admin.markForeign({ kind: 'instance', id: i.id });
      ok(await v.instances.updateInstance({ 'instance-id': i.id, label: 'mine now' }));
      expect(other.admin.foreignTouches()).toEqual([expect.objectContaining({ kind: 'instance', id: i.id, endpoint: 'PATCH /v2/instances/:instance-id' })]);
    } finally {
      await other.stop();
    }
  });
});

describe('persistence and time', () => {
  it('keeps the world across restarts in an atomically written state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-sim-'));
    const statePath = join(dir, 'state.json');
    const first = await startSimulator({ statePath, manualClock: true, rateLimits: false });
    const v = vultrSdk(first);
    const i = ok<{ instance: VInstance }>(await v.instances.createInstance({ region: 'lhr', plan: 'vc2-1c-1gb', os_id: '2136', label: 'kept' })).instance;
    await loose(cloudflareSdk(first)).create({ zone_id: FOREIGN_IDS.exampleNet, type: 'A', name: 'kept', content: '192.0.2.99' });
    first.admin.advance(DEFAULT_TIMINGS.osInstallMs / 2);
    await first.stop();
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).version).toBe(1);
    const second = await startSimulator({ statePath, manualClock: true, rateLimits: false });
    try {
      const again = ok<{ instance: VInstance }>(await vultrSdk(second).instances.getInstance({ 'instance-id': i.id })).instance;
      expect(again).toMatchObject({ label: 'kept', server_status: 'installingbooting' });
      const recs = await cloudflareSdk(second).dns.records.list({ zone_id: FOREIGN_IDS.exampleNet, name: { exact: 'kept.example.net' } });
      expect(recs.result).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('runs simulated time at a speed factor: a 5-minute install is 3 s of wall time at speed 100', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    try {
      const clock = createClock({ speed: 100 });
      const t0 = clock.now();
      vi.advanceTimersByTime(3_000);
      expect(clock.now() - t0).toBe(DEFAULT_TIMINGS.osInstallMs);
      const manual = createClock({ manual: true, start: 0 });
      vi.advanceTimersByTime(3_000);
      expect(manual.now()).toBe(0);
      manual.advance(10);
      expect(manual.now()).toBe(10);
    } finally {
      vi.useRealTimers();
    }
  });
});
