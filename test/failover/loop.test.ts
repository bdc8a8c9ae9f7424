import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../src/apply/types.ts';
import { startFailover, subtractHeldDown, realProber, type FailoverHandle, type Prober, type RoundReport } from '../../src/failover/index.ts';
import type { NotifyEvent } from '../../src/notify/webhook.ts';
import { observe } from '../../src/providers/observe.ts';
import { planChanges } from '../../src/plan/index.ts';
import { OWNER, startFailoverWorld, type FailoverWorld } from '../helpers/failover-world.ts';

let world: FailoverWorld | undefined;
let loop: FailoverHandle | undefined;
afterEach(async () => {
  await loop?.stop();
  await world?.sim.stop();
  loop = undefined;
  world = undefined;
});

/** Resolves when `until` holds after a round; fails after `maxRounds` rounds. */
function rounds(maxRounds: number) {
  const seen: RoundReport[] = [];
  let check: (() => void) | undefined;
  const onRound = (r: RoundReport): void => {
    seen.push(r);
    check?.();
  };
  const until = (cond: () => boolean, what: string): Promise<number> => new Promise((resolve, reject) => {
    const start = seen.length;
    check = () => {
      if (cond()) resolve(seen.length - start);
      else if (seen.length - start > maxRounds) reject(new Error(`${what}: not after ${maxRounds} rounds`));
    };
  });
  return { seen, onRound, until };
}

const writes = (w: FailoverWorld): number => w.sim.admin.count('POST /client/v4/zones/:zone_id/dns_records/batch') + w.sim.admin.count('POST /client/v4/zones/:zone_id/dns_records') + w.sim.admin.count('DELETE /client/v4/zones/:zone_id/dns_records/:dns_record_id');

describe('the failover loop against reachable simulated servers', () => {
  it('removes a dead target within unhealthyThreshold probes, and re-adds it after healthyThreshold passes and the hold-down', async () => {
    world = await startFailoverWorld({ names: 1, perName: 3 });
    const w = world;
    const [a, b, c] = w.sets.get('app-0.example.com')!;
    const probesOf = new Map<string, { ok: number; fail: number }>();
    const events: NotifyEvent[] = [];
    const r = rounds(40);
    loop = startFailover({
      project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock,
      sink: { send: async (e) => void events.push(e) }, onRound: r.onRound,
      onProbe: (_g, t, o) => {
        const p = probesOf.get(t) ?? { ok: 0, fail: 0 };
        if (o.ok) p.ok++;
        else p.fail++;
        probesOf.set(t, p);
      },
    });
    await r.until(() => loop!.status().every((s) => s.probes >= 1), 'first probes');
    expect(loop.status().map((s) => s.health)).toEqual(['up', 'up', 'up']);
    expect(writes(w)).toBe(0);

    await w.sim.admin.addReachFault(b!, { kind: 'down' });
    await r.until(() => !w.inDns('app-0.example.com').includes(w.address(b!)), 'record of the dead target removed');
    // Gone after exactly unhealthyThreshold failed probes (2): detection is counted in probes, not seconds.
    expect(probesOf.get(b!)!.fail).toBe(2);
    expect(w.inDns('app-0.example.com')).toEqual([w.address(a!), w.address(c!)].sort());
    expect(writes(w)).toBe(1);
    expect(loop.heldDown()).toEqual(new Map([['failover-zone/app-0.example.com/A', new Set([b])]]));
    const held = loop.status().find((s) => s.target === b)!;
    expect(held).toMatchObject({ health: 'down', inDns: false });

    // A drift reconcile during the outage plans from the manifests minus the held target: it re-adds nothing.
    const live = await observe(w.providers());
    const plan = planChanges(subtractHeldDown(w.manifests, loop.heldDown()), live, { owner: OWNER });
    expect(plan.changes.filter((ch) => ch.kind === 'DNSRecord')).toEqual([]);
    const unfiltered = planChanges(w.manifests, live, { owner: OWNER });
    expect(unfiltered.changes.filter((ch) => ch.kind === 'DNSRecord' && ch.action === 'create')).toHaveLength(1);

    const before = { ...probesOf.get(b!)! };
    await w.sim.admin.clearReachFaults(b!);
    await r.until(() => w.inDns('app-0.example.com').includes(w.address(b!)), 'record re-added');
    // At most the one probe in flight when the fault was lifted failed after it; then healthyThreshold passes.
    expect(probesOf.get(b!)!.fail - before.fail).toBeLessThanOrEqual(1);
    expect(probesOf.get(b!)!.ok - before.ok).toBeGreaterThanOrEqual(2);
    expect(w.inDns('app-0.example.com')).toHaveLength(3);
    expect(writes(w)).toBe(2);
    expect(events.map((e) => [e.event, e.details.target])).toEqual([['failover.down', b], ['failover.up', b]]);
    // The re-added record is exactly what the planner writes: the next plan is empty.
    expect(planChanges(w.manifests, await observe(w.providers()), { owner: OWNER }).changes.filter((ch) => ch.kind === 'DNSRecord')).toEqual([]);
  });

  it('treats every target down at once as a prober problem: nothing removed, one event', async () => {
    world = await startFailoverWorld({ names: 1, perName: 2 });
    const w = world;
    const events: NotifyEvent[] = [];
    const r = rounds(40);
    loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, sink: { send: async (e) => void events.push(e) }, onRound: r.onRound });
    // Both at once (one sync of the simulator's sockets), as when the prober's own network fails.
    await Promise.all(w.sets.get('app-0.example.com')!.map((s) => w.sim.admin.addReachFault(s, { kind: 'blackhole' })));
    await r.until(() => events.length > 0, 'suspect event');
    await r.until(() => true, 'one more round');
    await r.until(() => true, 'one more round');
    expect(events.map((e) => e.event)).toEqual(['failover.suspect']);
    expect(w.inDns('app-0.example.com')).toHaveLength(2);
    expect(writes(w)).toBe(0);
    expect(loop.status().map((s) => [s.health, s.inDns])).toEqual([['down', true], ['down', true]]);
  });

  it('keeps minHealthy records: the second target down is held at the minimum, with an event', async () => {
    world = await startFailoverWorld({ names: 1, perName: 3, policy: { minHealthy: 2 } });
    const w = world;
    const [a, b] = w.sets.get('app-0.example.com')!;
    const events: NotifyEvent[] = [];
    const r = rounds(40);
    loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, sink: { send: async (e) => void events.push(e) }, onRound: r.onRound });
    await w.sim.admin.addReachFault(a!, { kind: 'down' });
    await r.until(() => events.length === 1, 'first down');
    await w.sim.admin.addReachFault(b!, { kind: 'http-status', status: 503 });
    await r.until(() => events.length === 2, 'held event');
    expect(events.map((e) => [e.event, e.details.target])).toEqual([['failover.down', a], ['failover.held', b]]);
    expect(w.inDns('app-0.example.com')).toHaveLength(2);
    expect(writes(w)).toBe(1);
  });

  it('never writes for a target that fails every other probe', async () => {
    world = await startFailoverWorld({ names: 1, perName: 2 });
    const w = world;
    const flapper = w.address(w.sets.get('app-0.example.com')![0]!);
    let n = 0;
    // Every other probe of the flapper asks a path the server answers 404: a real failed HTTP probe.
    const flapping: Prober = (address, spec) => realProber(address, address === flapper && n++ % 2 === 1 ? { ...spec, check: { ...spec.check, path: '/nope' } } : spec);
    const events: NotifyEvent[] = [];
    const r = rounds(60);
    loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, prober: flapping, sink: { send: async (e) => void events.push(e) }, onRound: r.onRound });
    await r.until(() => n >= 20, '20 probes of the flapper');
    expect(writes(w)).toBe(0);
    expect(events).toEqual([]);
    expect(w.inDns('app-0.example.com')).toHaveLength(2);
  });
});
