/**
 * Crash safety with a real SIGKILL: a child keelson process rebuilds vpn-0 and is killed at a chosen
 * API response; the rerun (in this process) must finish the same rebuild with no leak or duplicate,
 * and the name must resolve to a live server throughout (probed after every API response and every
 * few simulated seconds). The simulator runs at 200x so the child's waits stay short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimResponseEvent } from '../../src/sim/index.ts';
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import { scaledClock } from '../../src/workflows/clock.ts';
import { startWorld, OWNER, type TestWorld } from '../helpers/sim-world.ts';
import { ownedInstances, resolveViolations } from '../helpers/invariants.ts';

const SPEED = 200;
let world: TestWorld | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await world?.sim.stop();
  world = undefined;
});

interface KillAt {
  name: string;
  /** Kill when this is the n-th response matching the endpoint. */
  endpoint: string;
  nth: number;
  /** The simulator carries the call out and then never answers; the kill comes while the child waits. */
  hold?: boolean;
}

const CASES: KillAt[] = [
  { name: 'right after the create is answered', endpoint: 'POST /v2/instances', nth: 1 },
  { name: 'while the install is polled', endpoint: 'GET /v2/instances', nth: 4 },
  { name: 'right after the DNS batch', endpoint: 'POST /client/v4/zones/:zone_id/dns_records/batch', nth: 1 },
  { name: 'right after the flip is tagged', endpoint: 'PATCH /v2/instances/:instance-id', nth: 1 },
  { name: 'after the old server is deleted, before the answer', endpoint: 'DELETE /v2/instances/:instance-id', nth: 1, hold: true },
];

describe('rebuild survives SIGKILL of the keelson process', () => {
  it.each(CASES)('killed $name', async (c) => {
    const violations: string[] = [];
    let seen = 0;
    let killed = false;
    const ref: { w?: TestWorld } = {};
    const onResponse = (e: SimResponseEvent): void => {
      if (ref.w) violations.push(...resolveViolations(ref.w.sim.admin, ['vpn-0.example.com']));
      if (!killed && !c.hold && e.endpoint === c.endpoint && ++seen === c.nth) {
        killed = true;
        child?.kill('SIGKILL');
      }
    };
    world = await startWorld({ sim: { speed: SPEED, rateLimits: false, onResponse } });
    ref.w = world;
    const w = world;
    const oldId = w.oldIds.get('vpn-0')!;
    const held = c.hold ? w.sim.admin.addFault({ endpoint: c.endpoint, nth: c.nth, effect: 'timeout', after: true }) : undefined;
    const ticker = setInterval(() => {
      violations.push(...resolveViolations(w.sim.admin, ['vpn-0.example.com']));
      if (held && !killed && (w.sim.admin.faults().find((f) => f.id === held.id)?.fired ?? 0) > 0) {
        killed = true;
        child?.kill('SIGKILL');
      }
    }, 10);

    child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/rebuild-child.ts')], {
      env: { ...process.env, KEELSON_TEST_SIM: w.sim.url, KEELSON_TEST_SPEED: String(SPEED), KEELSON_TEST_VULTR: w.sim.tokens.vultr, KEELSON_TEST_CF: w.sim.tokens.cloudflare },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((r) => child!.once('exit', (code, signal) => r({ code, signal })));
    expect(exit.signal, out).toBe('SIGKILL');
    w.sim.admin.clearFaults();
    expect(out).not.toContain('finished');

    const oldGone = !w.sim.admin.dump().vultr.instances.some((i) => i.id === oldId);
    const clock = scaledClock(() => w.sim.admin.now(), SPEED);
    await rebuildServer({ providers: w.providers(), owner: OWNER, manifests: w.manifests, clock, pollInterval: 10_000 }, 'vpn-0', { resumeOnly: oldGone });
    clearInterval(ticker);

    const owned = ownedInstances(w.sim.admin, OWNER).get('vpn-0') ?? [];
    expect(owned).toHaveLength(1);
    expect(owned[0]).not.toBe(oldId);
    const dump = w.sim.admin.dump();
    const live = dump.vultr.instances.find((i) => i.id === owned[0])!;
    expect(dump.cloudflare.records.filter((r) => r.name === 'vpn-0.example.com').map((r) => r.content)).toEqual([live.ip]);
    expect(violations).toEqual([]);
  });
});
