import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { destroyServer, type DestroyContext } from '../../src/workflows/destroy.ts';
import { WorkflowError } from '../../src/errors.ts';
import type { DestroyHook, ServerDoc } from '../../src/model/types.ts';
import { formatRecordComment, parseSnapshotDescription } from '../../src/model/ownership.ts';
import { oldIp, startWorld, OWNER, ZONE, type TestWorld } from '../helpers/sim-world.ts';
import { ownedInstances } from '../helpers/invariants.ts';
import { realClock as systemClock } from '../../src/apply/types.ts';

let world: TestWorld | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  receiver = undefined;
});

interface Delivery {
  body: string;
  signature?: string;
  timestamp?: string;
}

/** A webhook receiver on 127.0.0.1 that records deliveries and answers `status()`. */
async function startReceiver(status: () => number = () => 200): Promise<{ url: string; got: Delivery[] }> {
  const got: Delivery[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ body, signature: req.headers['x-keelson-signature'] as string, timestamp: req.headers['x-keelson-timestamp'] as string });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cancel`, got };
}

const SECRET = 'whsec-test-0123456789';
const webhookHook = (url: string, name = 'delete-profile'): DestroyHook => ({
  name, webhook: { url, method: 'POST', headers: {}, headersFromEnv: {}, signingSecretEnv: 'HOOK_SECRET', timeout: 5000 },
});

function withHooks(w: TestWorld, hooks: DestroyHook[], extra: Partial<ServerDoc['spec']> = {}): ServerDoc {
  const doc = w.manifests.servers.get('vpn-0')!;
  const next = { ...doc, spec: { ...doc.spec, destroyHooks: hooks, ...extra } };
  w.manifests.servers.set('vpn-0', next);
  return next;
}

function ctx(w: TestWorld, extra: Partial<DestroyContext> = {}): DestroyContext {
  return { providers: w.providers(), owner: OWNER, manifests: w.manifests, clock: systemClock, root: '/nonexistent', env: { HOOK_SECRET: SECRET }, ...extra };
}

describe('destroy against the simulator', () => {
  it('removes DNS, runs the signed webhook once, deletes keelson snapshots and the instance; repeating changes nothing', async () => {
    world = await startWorld({ servers: 2 });
    const w = world;
    const hook = await startReceiver();
    const doc = withHooks(w, [webhookHook(hook.url)]);
    // A snapshot a rebuild made for this server, and the golden image other servers use.
    const oldId = w.oldIds.get('vpn-0')!;
    await w.providers().compute.createSnapshot(oldId, `rebuild of vpn-0 [keelson:${OWNER}/vpn-0@rb-1]`);

    const first = await destroyServer(ctx(w), doc);
    expect(first).toMatchObject({ recordsDeleted: 1, hooksRun: ['delete-profile'], snapshotsDeleted: 1, instancesDeleted: [oldId] });
    const dump = w.sim.admin.dump();
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toBeUndefined();
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-1')).toHaveLength(1);
    expect(dump.cloudflare.records.filter((r) => r.name === 'vpn-0.example.com')).toEqual([]);
    expect(dump.cloudflare.records.filter((r) => r.name === 'vpn-1.example.com')).toHaveLength(1);
    expect(dump.vultr.snapshots.filter((s) => parseSnapshotDescription(s.description).ownership?.name === 'vpn-0')).toEqual([]);
    expect(dump.vultr.snapshots.some((s) => parseSnapshotDescription(s.description).ownership?.name === 'golden')).toBe(true);

    expect(hook.got).toHaveLength(1);
    const d = hook.got[0]!;
    expect(d.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(d.body).digest('hex')}`);
    const body = JSON.parse(d.body) as { event: string; details: Record<string, unknown>; at: string };
    expect(body.event).toBe('server.destroy');
    expect(body.details).toMatchObject({ server: 'vpn-0', hook: 'delete-profile', instanceId: oldId, ip: '198.51.100.200' });
    expect(Number(d.timestamp)).toBe(Math.floor(Date.parse(body.at) / 1000));

    const calls = w.sim.admin.counters();
    const again = await destroyServer(ctx(w), doc);
    expect(again).toMatchObject({ recordsDeleted: 0, hooksRun: [], snapshotsDeleted: 0, instancesDeleted: [] });
    expect(hook.got).toHaveLength(1);
    const writes = Object.entries(w.sim.admin.counters()).filter(([k, n]) => !k.startsWith('GET') && n !== (calls[k] ?? 0));
    expect(writes).toEqual([]);
  });

  it('a failing hook stops the destroy with the instance kept; a rerun runs only the hooks not yet done', async () => {
    world = await startWorld();
    const w = world;
    let answer = 200;
    const hook = await startReceiver(() => answer);
    const doc = withHooks(w, [webhookHook(hook.url, 'first'), webhookHook(hook.url, 'second')]);
    let calls = 0;
    const err = await destroyServer(ctx(w, {
      runHook: async (h, s) => {
        calls++;
        if (h.name === 'second') answer = 500;
        const { defaultHookRunner } = await import('../../src/workflows/hooks.ts');
        return defaultHookRunner('/', { HOOK_SECRET: SECRET })(h, s);
      },
    }), doc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowError);
    expect((err as Error).message).toMatch(/hook second: answered 500/);
    expect(calls).toBe(2);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toHaveLength(1);
    answer = 200;
    const rerun = await destroyServer(ctx(w), doc);
    expect(rerun).toMatchObject({ hooksRun: ['second'], hooksSkipped: ['first'] });
    expect(hook.got.map((g) => (JSON.parse(g.body) as { details: { hook: string } }).details.hook)).toEqual(['first', 'second', 'second']);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toBeUndefined();
  });

  it('refuses a protected server and changes nothing', async () => {
    world = await startWorld();
    const w = world;
    const doc = withHooks(w, [], { protect: true });
    await expect(destroyServer(ctx(w), doc)).rejects.toThrow(/protected/);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toHaveLength(1);
    expect(w.sim.admin.dump().cloudflare.records.filter((r) => r.name === 'vpn-0.example.com')).toHaveLength(1);
  });

  /** A `www` A record set in the zone that targets vpn-0 (and `extra` more values), live and declared. */
  async function declareWww(w: TestWorld, extra: string[] = []): Promise<void> {
    const zoneDoc = w.manifests.dnsZones.get('example')!;
    const www = { fqdn: `www.${ZONE}`, name: 'www', type: 'A' as const, ttl: 'auto' as const, proxied: false, source: { servers: ['vpn-0'] }, declaredBy: { kind: 'DNSZone' as const, name: 'example', path: '/spec/records/0' } };
    w.manifests.dnsZones.set('example', { ...zoneDoc, spec: { ...zoneDoc.spec, records: [...zoneDoc.spec.records, www] } });
    const dns = w.providers().dns;
    const zone = (await dns.listZones()).find((z) => z.name === ZONE)!;
    const comment = formatRecordComment('', { owner: OWNER, name: 'example' });
    await dns.applyRecordChanges(zone, { deletes: [], updates: [], creates: [oldIp(0), ...extra].map((ip) => ({ fqdn: `www.${ZONE}`, type: 'A', content: ip, ttl: 'auto' as const, proxied: false, comment })) });
  }
  const wwwRecords = (w: TestWorld) => w.sim.admin.dump().cloudflare.records.filter((r) => r.name === `www.${ZONE}`);

  it('refuses to delete the last address record of a name the manifests still declare, naming it, before any write; --force deletes it', async () => {
    world = await startWorld();
    const w = world;
    const hook = await startReceiver();
    const doc = withHooks(w, [webhookHook(hook.url)]);
    await declareWww(w);
    const writes = w.sim.admin.dump();
    await expect(destroyServer(ctx(w), doc)).rejects.toThrow(
      `[Server/vpn-0] destroy failed: would delete the last address record of www.example.com (www.example.com A ${oldIp(0)}) although the manifests still declare it (override: --force)`,
    );
    expect(hook.got).toEqual([]);
    expect(w.sim.admin.dump().cloudflare.records).toEqual(writes.cloudflare.records);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toHaveLength(1);

    const forced = await destroyServer(ctx(w, { force: true }), doc);
    expect(forced.recordsDeleted).toBe(2);
    expect(wwwRecords(w)).toEqual([]);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toBeUndefined();
  });

  it('a name keeping another address, and the server\'s own dns names, do not stop the destroy', async () => {
    world = await startWorld();
    const w = world;
    const doc = withHooks(w, []);
    await declareWww(w, ['192.0.2.77']);
    const r = await destroyServer(ctx(w), doc);
    expect(r.recordsDeleted).toBe(2);
    expect(wwwRecords(w).map((x) => x.content)).toEqual(['192.0.2.77']);
  });

  it('refuses, even forced, when a snapshot it would delete is protected by its marker', async () => {
    world = await startWorld();
    const w = world;
    const doc = withHooks(w, []);
    await w.providers().compute.createSnapshot(w.oldIds.get('vpn-0')!, `keep me [keelson:${OWNER}/vpn-0@rb-1!protect]`);
    await expect(destroyServer(ctx(w, { force: true }), doc)).rejects.toThrow(/snapshot\(s\) \S+ of the server are protected/);
    expect(ownedInstances(w.sim.admin, OWNER).get('vpn-0')).toHaveLength(1);
    expect(w.sim.admin.dump().cloudflare.records.filter((x) => x.name === 'vpn-0.example.com')).toHaveLength(1);
  });
});
