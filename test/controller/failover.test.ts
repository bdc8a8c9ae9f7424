/**
 * Failover inside the controller: an in-process controller on a real bare git remote and the reachable
 * simulator (servers answering HTTP on their loopback addresses), probed for real. Asserts counts and
 * state, never timings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failoverSideLoop, type FailoverSideLoop } from '../../src/controller/failover-loop.ts';
import type { RoundReport } from '../../src/failover/index.ts';
import { OWNER, startFailoverWorld, type FailoverWorld } from '../helpers/failover-world.ts';
import { openSource, startHarness, type Harness } from './harness.ts';

const FQDN = 'app-0.example.com';
const PROJECT = `apiVersion: keelson.dev/v1\nkind: Project\nmetadata: {name: t}\nspec:\n  owner: ${OWNER}\n`;
const server = (name: string) => `apiVersion: keelson.dev/v1\nkind: Server\nmetadata: {name: ${name}}\nspec:\n  region: ewr\n  plan: vc2-1c-1gb\n  image: {os: "Ubuntu 22.04 LTS x64"}\n`;
const ZONE = `apiVersion: keelson.dev/v1
kind: DNSZone
metadata: {name: failover-zone}
spec:
  zone: example.com
  records:
    - name: app-0
      type: A
      ttl: 60
      servers: [web-0, web-1]
      failover:
        check: {type: http, port: 8080, path: /health, interval: 100ms, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 2}
        holdDown: 300ms
        minHealthy: 1
        notify: [ops]
`;
const NOTIFIER = (url: string) => `apiVersion: keelson.dev/v1\nkind: Notifier\nmetadata: {name: ops}\nspec:\n  webhook: {url: "${url}"}\n  events: ["failover.*"]\n`;

let world: FailoverWorld | undefined;
let h: Harness | undefined;
let side: FailoverSideLoop | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  receiver?.closeAllConnections();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  receiver = undefined;
  // Stops the controller (and with it the failover loop), then the git remote, then the simulator and its listeners.
  await h?.cleanup();
  await side?.stop();
  await world?.sim.stop();
  h = undefined;
  side = undefined;
  world = undefined;
});

/** Resolves once `cond` holds after a failover round; fails after `max` rounds (counts, not time). */
function rounds() {
  let check: (() => void) | undefined;
  let n = 0;
  const onRound = (_r: RoundReport): void => {
    n++;
    check?.();
  };
  const until = (cond: () => boolean, what: string, max = 80): Promise<void> => new Promise((resolve, reject) => {
    const start = n;
    check = () => {
      if (cond()) resolve();
      else if (n - start > max) reject(new Error(`${what}: not after ${max} failover rounds`));
    };
  });
  return { onRound, until };
}

async function reconciles(hh: Harness): Promise<number> {
  return (await hh.metrics.reconciles.get()).values.reduce((a, v) => a + v.value, 0);
}

/** Wakes the controller and waits until one more reconcile has ended (bounded by attempts, not by a clock). */
async function nextReconcile(hh: Harness): Promise<void> {
  const before = await reconciles(hh);
  hh.controller.poke();
  for (let i = 0; i < 2000 && (await reconciles(hh)) === before; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await reconciles(hh)).toBe(before + 1);
}

/** A webhook receiver on 127.0.0.1 that records each event name it is sent. */
async function startReceiver(): Promise<{ url: string; got: string[] }> {
  const got: string[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push(String((JSON.parse(body) as { event?: unknown }).event));
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, got };
}

describe('failover in the controller', () => {
  it('removes a dead target, keeps it out through a drift reconcile, re-adds it when it is back, the next plan is empty, and it follows a new commit', async () => {
    const rx = await startReceiver();
    world = await startFailoverWorld({ names: 1, perName: 2 });
    const w = world;
    const r = rounds();
    side = failoverSideLoop({ watchMs: 20, onRound: r.onRound });
    const s = side;
    h = await startHarness(w.sim, { sideLoops: [s], desired: (m) => s.desired(m) });
    const hh = h;
    await hh.remote.commit('failover', { 'keelson.yaml': PROJECT, 'manifests/servers.yaml': [server('web-0'), server('web-1')].join('---\n'), 'manifests/dns.yaml': ZONE, 'manifests/notifier.yaml': NOTIFIER(rx.url) });
    await openSource(hh);
    const both = [w.address('web-0'), w.address('web-1')].sort();
    expect(w.inDns(FQDN)).toEqual(both);

    void hh.controller.start();
    await r.until(() => (s.targets() ?? []).length === 2 && s.targets()!.every((t) => t.health === 'up'), 'both targets probed up');
    expect(hh.controller.status().last?.outcome).toBe('in-sync');
    expect(hh.controller.status().failover?.map((t) => [t.target, t.health, t.inDns])).toEqual([['web-0', 'up', true], ['web-1', 'up', true]]);

    await w.sim.admin.addReachFault('web-1', { kind: 'down' });
    await r.until(() => !w.inDns(FQDN).includes(w.address('web-1')), 'record of the dead target removed');
    expect(w.inDns(FQDN)).toEqual([w.address('web-0')]);
    // The sink awaits each delivery before the round ends: the event is in by the next round.
    await r.until(() => rx.got.length >= 1, 'failover.down delivered');
    expect(rx.got).toEqual(['failover.down']);
    const held = hh.controller.status().failover?.find((t) => t.target === 'web-1');
    expect(held).toMatchObject({ health: 'down', inDns: false });

    // A drift reconcile during the outage: the desired state is the manifests minus the held target.
    hh.clock.advance(600_000);
    await nextReconcile(hh);
    expect(hh.controller.status().last).toMatchObject({ trigger: 'drift', outcome: 'in-sync' });
    expect(w.inDns(FQDN)).toEqual([w.address('web-0')]);

    const metrics = await hh.metrics.registry.metrics();
    expect(metrics).toMatch(/keelson_failover_actions_total\{record="failover-zone\/app-0\.example\.com\/A",target="web-1",action="remove"\} 1/);
    expect(metrics).toMatch(/keelson_failover_target_in_dns\{record="failover-zone\/app-0\.example\.com\/A",target="web-1"\} 0/);
    expect(metrics).toMatch(/keelson_failover_probes_total\{record="failover-zone\/app-0\.example\.com\/A",target="web-1",result="fail"\} [1-9]/);

    await w.sim.admin.clearReachFaults('web-1');
    await r.until(() => w.inDns(FQDN).includes(w.address('web-1')), 'record re-added');
    expect(w.inDns(FQDN)).toEqual(both);
    await r.until(() => rx.got.length >= 2, 'failover.up delivered');
    expect(rx.got).toEqual(['failover.down', 'failover.up']);
    expect(s.targets()?.find((t) => t.target === 'web-1')).toMatchObject({ health: 'up', inDns: true });

    // With nothing held down, the next reconcile plans nothing.
    hh.clock.advance(600_000);
    await nextReconcile(hh);
    expect(hh.controller.status().last).toMatchObject({ trigger: 'drift', outcome: 'in-sync', counts: { create: 0, update: 0, replace: 0, delete: 0 } });
    expect(await hh.metrics.registry.metrics()).toMatch(/keelson_failover_actions_total\{record="failover-zone\/app-0\.example\.com\/A",target="web-1",action="add"\} 1/);

    // A new commit takes web-1 out of the record set: the failover loop follows the revision in force.
    await hh.remote.commit('drop web-1', { 'manifests/dns.yaml': ZONE.replace('servers: [web-0, web-1]', 'servers: [web-0]') });
    await nextReconcile(hh);
    expect(hh.controller.status().last).toMatchObject({ trigger: 'commit', outcome: 'applied' });
    await r.until(() => s.targets()?.length === 1, 'failover follows the new commit');
    expect(s.targets()?.map((t) => [t.target, t.inDns])).toEqual([['web-0', true]]);
    expect(w.inDns(FQDN)).toEqual([w.address('web-0')]);
  }, 60_000);
});
