import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../src/apply/types.ts';
import { startFailover, type FailoverHandle } from '../../src/failover/index.ts';
import { OWNER, startFailoverWorld, type FailoverWorld } from '../helpers/failover-world.ts';

let world: FailoverWorld | undefined;
let loop: FailoverHandle | undefined;
afterEach(async () => {
  await loop?.stop();
  await world?.sim.stop();
});

describe('the failover loop under load', () => {
  it('200 targets in 100 names, 10% failing at once: the writes needed and no more, no 429, every record back', async () => {
    const statuses: number[] = [];
    world = await startFailoverWorld({ names: 100, perName: 2, zone: 'example.net', check: { interval: 300, timeout: 1000 }, onResponse: (s) => statuses.push(s) });
    const w = world;
    const before = new Map([...w.sets.keys()].map((f) => [f, w.inDns(f)]));
    let check: (() => void) | undefined;
    const until = (cond: () => boolean) => new Promise<void>((resolve) => (check = () => cond() && resolve()));
    loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, onRound: () => check?.() });
    await until(() => loop!.status().every((s) => s.probes > 0));
    const batch = 'POST /client/v4/zones/:zone_id/dns_records/batch';
    const writesBefore = w.sim.admin.count(batch);
    // One target of every tenth name, so 20 targets (10%) fail at once and each can go.
    const failing = [...w.sets.values()].filter((_s, i) => i % 5 === 0).map((s) => s[0]!);
    expect(failing).toHaveLength(20);
    await Promise.all(failing.map((t) => w.sim.admin.addReachFault(t, { kind: 'down' })));
    await until(() => loop!.status().filter((s) => !s.inDns).length === 20 && failing.every((t) => !w.inDns(`app-${Number(t.slice(4)) / 2}.example.net`).includes(w.address(t))));
    const removalWrites = w.sim.admin.count(batch) - writesBefore;
    await Promise.all(failing.map((t) => w.sim.admin.clearReachFaults(t)));
    await until(() => loop!.status().every((s) => s.inDns));
    const after = new Map([...w.sets.keys()].map((f) => [f, w.inDns(f)]));
    // Removals land in one batch when the failures are seen in one round (at most two if a round straddled the faults).
    expect(removalWrites).toBeGreaterThanOrEqual(1);
    expect(removalWrites).toBeLessThanOrEqual(2);
    expect(w.sim.admin.count(batch) - writesBefore - removalWrites).toBeLessThanOrEqual(2);
    expect(w.sim.admin.count('POST /client/v4/zones/:zone_id/dns_records')).toBe(0);
    expect(w.sim.admin.count('DELETE /client/v4/zones/:zone_id/dns_records/:dns_record_id')).toBe(0);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(after).toEqual(before);
  }, 120_000);
});
