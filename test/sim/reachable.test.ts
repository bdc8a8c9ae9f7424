import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { parsePortSpec } from '../../src/sim/reach.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const PORTS = [{ port: 8080, protocol: 'http' as const, path: '/health' }, { port: 5432, protocol: 'tcp' as const }];

type Outcome = { kind: 'status'; status: number; host?: string } | { kind: 'error'; code: string } | { kind: 'timeout' };

function get(host: string, port: number, path: string, timeoutMs = 2000, hostHeader?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: timeoutMs, agent: false, headers: hostHeader ? { host: hostHeader } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ kind: 'status', status: res.statusCode ?? 0, host: (JSON.parse(body) as { host?: string }).host }));
    });
    req.once('timeout', () => (req.destroy(), resolve({ kind: 'timeout' })));
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'error', code: e.code ?? e.message }));
    req.end();
  });
}

function tcp(host: string, port: number, timeoutMs = 1000): Promise<Outcome | { kind: 'banner'; text: string }> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.once('end', () => resolve({ kind: 'banner', text }));
    s.once('timeout', () => (s.destroy(), resolve({ kind: 'timeout' })));
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'error', code: e.code ?? e.message }));
  });
}

async function createInstance(s: Simulator, label: string): Promise<{ id: string }> {
  const res = await fetch(`${s.vultrBaseUrl}/instances`, {
    method: 'POST', headers: { authorization: `Bearer ${s.tokens.vultr}`, 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'ewr', plan: 'vc2-1c-1gb', os_id: 1743, label }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { instance: { id: string } }).instance;
}

const power = (s: Simulator, id: string, action: string) =>
  fetch(`${s.vultrBaseUrl}/instances/${id}${action === 'delete' ? '' : `/${action}`}`, { method: action === 'delete' ? 'DELETE' : 'POST', headers: { authorization: `Bearer ${s.tokens.vultr}` } });

describe('reachable simulated servers', () => {
  it('keeps documentation-range addresses when not reachable', async () => {
    sim = await startSimulator({ manualClock: true, rateLimits: false });
    const { id } = await createInstance(sim, 'web-1');
    expect(sim.reachable).toBe(false);
    expect(sim.admin.dump().vultr.instances.find((i) => i.id === id)!.ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
    expect(() => sim!.admin.reach()).toThrow(/not started reachable/);
  });

  it('gives every server a distinct loopback address that follows its life: refused, answering, gone', async () => {
    sim = await startSimulator({ manualClock: true, rateLimits: false, reachable: { ports: PORTS } });
    const a = await createInstance(sim, 'web-1');
    const b = await createInstance(sim, 'web-2');
    const ipA = sim.admin.reachOf(a.id).address;
    const ipB = sim.admin.reachOf('web-2').address;
    for (const ip of [ipA, ipB]) expect(ip).toMatch(/^127\.(?!0\.0\.)\d+\.\d+\.\d+$/);
    expect(ipA).not.toBe(ipB);
    // Seeded servers move to loopback too, and so do the seed's A records that pointed at them.
    const mail = sim.admin.dump().vultr.instances.find((i) => i.label === 'legacy-mail')!;
    expect(mail.ip).toMatch(/^127\./);
    expect(sim.admin.dump().cloudflare.records.find((r) => r.name === 'mail.example.com')!.content).toBe(mail.ip);

    await sim.admin.syncReachable();
    expect(sim.admin.reachOf(a.id).state).toBe('installing');
    expect(await get(ipA, 8080, '/health')).toEqual({ kind: 'error', code: 'ECONNREFUSED' });

    sim.admin.advance(60 * 60_000);
    await sim.admin.syncReachable();
    expect(await get(ipA, 8080, '/health', 2000, 'app.example.com')).toEqual({ kind: 'status', status: 200, host: 'app.example.com' });
    expect(await get(ipA, 8080, '/other', 2000, 'app.example.com')).toMatchObject({ kind: 'status', status: 404 });
    expect(await tcp(ipB, 5432)).toEqual({ kind: 'banner', text: 'keelson-sim web-2\n' });
    expect(sim.admin.reachOf(a.id)).toMatchObject({ state: 'serving', answered: { 8080: 2 }, lastHost: 'app.example.com' });

    expect((await power(sim, a.id, 'halt')).status).toBe(204);
    await sim.admin.syncReachable();
    expect(await get(ipA, 8080, '/health')).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
    expect((await power(sim, a.id, 'start')).status).toBe(204);
    await sim.admin.syncReachable();
    expect(await get(ipA, 8080, '/health')).toMatchObject({ kind: 'status', status: 200 });

    expect((await power(sim, b.id, 'delete')).status).toBe(204);
    await sim.admin.syncReachable();
    expect(await tcp(ipB, 5432)).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
  });

  it('injects per-server faults for a simulated duration: http-status, slow, down, blackhole', async () => {
    sim = await startSimulator({ manualClock: true, rateLimits: false, reachable: { ports: PORTS } });
    const { id } = await createInstance(sim, 'web-1');
    sim.admin.advance(60 * 60_000);
    const ip = sim.admin.reachOf(id).address;

    await sim.admin.addReachFault(id, { kind: 'http-status', status: 503, durationMs: 30_000 });
    expect(await get(ip, 8080, '/health')).toMatchObject({ status: 503 });
    sim.admin.advance(30_000);
    expect(await get(ip, 8080, '/health')).toMatchObject({ status: 200 });

    await sim.admin.addReachFault(id, { kind: 'slow', ms: 20_000 });
    expect(await get(ip, 8080, '/health', 300)).toEqual({ kind: 'timeout' });
    expect(await sim.admin.clearReachFaults(id)).toBe(1);

    await sim.admin.addReachFault(id, { kind: 'down', durationMs: 10_000 });
    expect(await get(ip, 8080, '/health')).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
    sim.admin.advance(10_000);
    await sim.admin.syncReachable();
    expect(await get(ip, 8080, '/health')).toMatchObject({ status: 200 });

    await sim.admin.addReachFault(id, { kind: 'blackhole' });
    expect(sim.admin.reachOf(id).state).toBe('blackhole');
    expect(await tcp(ip, 5432, 500)).toEqual({ kind: 'timeout' });
    expect(await get(ip, 8080, '/health', 500)).toEqual({ kind: 'timeout' });
    await sim.admin.clearReachFaults(id);
    expect(await tcp(ip, 5432)).toMatchObject({ kind: 'banner' });
  });

  it('serves nothing on a server whose ports are [], so a test binds its own server to that address', async () => {
    sim = await startSimulator({ manualClock: true, rateLimits: false, reachable: { ports: PORTS } });
    const { id } = await createInstance(sim, 'web-1');
    sim.admin.advance(60 * 60_000);
    const view = await sim.admin.setPorts(id, []);
    const own = createServer((_req, res) => res.end('{"host":"mine"}'));
    await new Promise<void>((r) => own.listen(8080, view.address, r));
    try {
      expect(await get(view.address, 8080, '/health')).toEqual({ kind: 'status', status: 200, host: 'mine' });
      expect(sim.admin.reachOf(id).bindError).toBeUndefined();
    } finally {
      own.closeAllConnections();
      await new Promise((r) => own.close(r));
    }
  });

  it('serves the admin API for ports and faults, and reads --serve specs', async () => {
    sim = await startSimulator({ manualClock: true, rateLimits: false, reachable: true });
    const { id } = await createInstance(sim, 'web-1');
    const put = await fetch(`${sim.url}/_sim/instances/web-1/ports`, { method: 'PUT', body: JSON.stringify({ ports: [{ port: 9000, protocol: 'http', path: '/up', status: 204 }] }) });
    expect(await put.json()).toMatchObject({ id, ports: [{ port: 9000, protocol: 'http', path: '/up', status: 204 }] });
    const fault = await fetch(`${sim.url}/_sim/instances/${id}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'down', durationMs: 1000 }) });
    expect(await fault.json()).toMatchObject({ fault: { kind: 'down', instanceId: id } });
    const bad = await fetch(`${sim.url}/_sim/instances/${id}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'melt' }) });
    expect(bad.status).toBe(400);
    expect(parsePortSpec('http:8080/healthz=503')).toEqual({ port: 8080, protocol: 'http', path: '/healthz', status: 503 });
    expect(parsePortSpec('tcp:22')).toEqual({ port: 22, protocol: 'tcp' });
    expect(() => parsePortSpec('udp:53')).toThrow(/http:PORT/);
  });
});
