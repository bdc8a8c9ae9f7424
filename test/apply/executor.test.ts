/** The executor over the in-memory fake: order, batching, failure isolation, idempotent creates. */
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.ts';
import type { ApplyClock, ApplyEvent } from '../../src/apply/types.ts';
import { createFakeProviders, emptyFakeWorld, type FakeWorld } from '../../src/providers/fake.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { loadOk, writeProject, type ProjectDesc } from '../helpers/project.ts';

/** A clock that moves only when someone sleeps: no real waiting, deterministic elapsed times. */
function manualClock(): ApplyClock {
  let t = 0;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

function fakeWorld(): FakeWorld {
  const w = emptyFakeWorld();
  w.catalog.regions.push({ id: 'ams', city: 'Amsterdam', country: 'NL' });
  w.catalog.plans.set('vc2-1c-1gb', new Set(['ewr', 'ams']));
  w.zones.push({ provider: 'cloudflare', id: 'zone-com', name: 'example.com', plan: 'free' }, { provider: 'cloudflare', id: 'zone-net', name: 'example.net', plan: 'pro' });
  w.installPolls = 3;
  return w;
}

const desc: ProjectDesc = {
  servers: [{ name: 'web-1' }, { name: 'web-2', region: 'ams' }],
  zones: [
    { name: 'com', zone: 'example.com', records: [{ name: 'app', type: 'A', servers: ['web-1', 'web-2'] }, { name: 'txt', type: 'TXT', value: 'v=1' }, { name: 'www', type: 'CNAME', value: 'app.example.com' }] },
    { name: 'net', zone: 'example.net', records: [{ name: 'txt', type: 'TXT', values: ['a', 'b', 'c'] }] },
  ],
};

async function run(world: FakeWorld, d: ProjectDesc = desc, events: ApplyEvent[] = []) {
  const providers = createFakeProviders(world);
  const { project, manifests } = await loadOk(await writeProject(d));
  const { live, plan } = await observeAndPlan(project, manifests, providers);
  const result = await applyPlan(plan, { providers, zones: live.zones, catalog: live.catalog, servers: live.servers, clock: manualClock(), pollIntervalMs: 1000, onEvent: (e) => events.push(e) });
  return { plan, result, providers, project, manifests };
}

describe('applyPlan', () => {
  it('runs every change, servers installed before the records that point at them, and converges', async () => {
    const world = fakeWorld();
    const events: ApplyEvent[] = [];
    const { result, plan } = await run(world, desc, events);
    expect(result.ok).toBe(true);
    expect(result.results.map((r) => r.status)).toEqual(plan.changes.map(() => 'done'));
    const order = events.filter((e) => e.type === 'done').map((e) => e.change.id);
    for (const c of plan.changes) for (const d of c.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(c.id));
    expect(events.some((e) => e.type === 'installing')).toBe(true);
    expect(world.servers).toHaveLength(2);
    const again = await run(world);
    expect(again.plan.changes).toEqual([]);
  });

  it('sends record changes that are ready together as one batch per zone', async () => {
    const world = fakeWorld();
    await run(world, {
      zones: [
        { name: 'com', zone: 'example.com', records: [{ name: 'a', type: 'TXT', value: '1' }, { name: 'b', type: 'TXT', value: '2' }, { name: 'www', type: 'CNAME', value: 'a.example.com' }] },
        { name: 'net', zone: 'example.net', records: [{ name: 'txt', type: 'TXT', values: ['a', 'b', 'c'] }] },
      ],
    });
    // Two zones, no servers: everything is ready at once → exactly one batch call per zone.
    expect(world.writes.applyRecordChanges).toBe(2);
    expect(world.records).toHaveLength(6);
  });

  it('a failed server create fails alone: its records are skipped, naming it; the rest is applied', async () => {
    const world = fakeWorld();
    world.failNext.createServer = ['error', 'error', 'error', 'error', 'error', 'error', 'error'];
    const { result } = await run(world, { servers: [{ name: 'web-1' }], zones: [{ name: 'com', zone: 'example.com', records: [{ name: 'app', type: 'A', servers: ['web-1'] }, { name: 'txt', type: 'TXT', value: 'x' }] }] });
    expect(result.ok).toBe(false);
    const byId = Object.fromEntries(result.results.map((r) => [r.id, r]));
    expect(byId['Server/web-1#create']?.status).toBe('failed');
    const app = result.results.find((r) => r.id.startsWith('DNSRecord/app.example.com'))!;
    expect(app.status).toBe('skipped');
    expect(app.error).toContain('Server/web-1#create');
    expect(result.results.find((r) => r.id.startsWith('DNSRecord/txt.example.com'))?.status).toBe('done');
  });

  it('an ambiguous create (applied, then the connection dropped) makes no second server', async () => {
    const world = fakeWorld();
    world.failNext.createServer = ['ambiguous'];
    const { result } = await run(world, { servers: [{ name: 'web-1' }] });
    expect(result.ok).toBe(true);
    expect(world.servers).toHaveLength(1);
    expect(world.writes.createServer).toBe(1);
  });
});
