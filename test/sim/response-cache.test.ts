import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, FOREIGN_IDS } from '../../src/sim/index.ts';
import { startTestSim } from './harness.ts';

// List pages are served from a cache keyed by world revision and lifecycle validity; these tests
// pin that a cached body is replayed byte for byte and never outlives a change or a phase boundary.
const { sim } = await startTestSim();
const ZONE = FOREIGN_IDS.exampleCom;
const RECORDS = `/client/v4/zones/${ZONE}/dns_records`;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; headers: Headers }> {
  const token = path.startsWith('/client/') ? sim.tokens.cloudflare : sim.tokens.vultr;
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function twice(path: string): Promise<string> {
  const a = await call('GET', path);
  const b = await call('GET', path);
  expect(a.status).toBe(200);
  expect(b.text).toBe(a.text);
  return a.text;
}

describe('cached list responses', () => {
  it('answers with one body of the announced length, not chunks', async () => {
    const r = await call('GET', '/v2/instances?per_page=500');
    expect(r.headers.get('transfer-encoding')).toBeNull();
    expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(r.text));
  });

  it('replays instance pages until a mutation, then serves the updated body', async () => {
    const created = await call('POST', '/v2/instances', { region: 'ewr', plan: 'vc2-1c-1gb', os_id: 2284, label: 'cache-a' });
    expect(created.status).toBe(202);
    const id = (JSON.parse(created.text) as { instance: { id: string } }).instance.id;
    const before = await twice('/v2/instances?per_page=500');
    expect(before).toContain('"label":"cache-a"');
    expect((await call('PATCH', `/v2/instances/${id}`, { label: 'cache-b' })).status).toBe(202);
    const after = await twice('/v2/instances?per_page=500');
    expect(after).toContain('"label":"cache-b"');
    expect(after).not.toContain('"label":"cache-a"');
    expect((await call('DELETE', `/v2/instances/${id}`)).status).toBe(204);
    expect(await twice('/v2/instances?per_page=500')).not.toContain(id);
  });

  it('moves cached instance pages through the lifecycle as simulated time passes', async () => {
    const created = await call('POST', '/v2/instances', { region: 'ewr', plan: 'vc2-1c-1gb', os_id: 2284, label: 'cache-life' });
    const id = (JSON.parse(created.text) as { instance: { id: string } }).instance.id;
    const statusOf = (text: string) => (JSON.parse(text) as { instances: { id: string; status: string; server_status: string }[] }).instances.find((i) => i.id === id);
    expect(statusOf(await twice('/v2/instances?label=cache-life'))).toMatchObject({ status: 'pending', server_status: 'none' });
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs * 0.3);
    expect(statusOf(await twice('/v2/instances?label=cache-life'))).toMatchObject({ status: 'active', server_status: 'locked' });
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    expect(statusOf(await twice('/v2/instances?label=cache-life'))).toMatchObject({ status: 'active', server_status: 'ok' });
  });

  it('replays record pages until a create, patch, delete or batch changes the zone', async () => {
    const names = (text: string) => (JSON.parse(text) as { result: { name: string; content: string }[] }).result.map((r) => `${r.name}=${r.content}`);
    const start = names(await twice(`${RECORDS}?per_page=5000`));
    const made = await call('POST', RECORDS, { type: 'A', name: 'cached', content: '192.0.2.31', ttl: 1 });
    const id = (JSON.parse(made.text) as { result: { id: string } }).result.id;
    expect(names(await twice(`${RECORDS}?per_page=5000`))).toEqual(expect.arrayContaining([...start, 'cached.example.com=192.0.2.31']));
    await call('PATCH', `${RECORDS}/${id}`, { content: '192.0.2.32' });
    expect(names(await twice(`${RECORDS}?per_page=5000`))).toContain('cached.example.com=192.0.2.32');
    await call('POST', `${RECORDS}/batch`, { patches: [{ id, content: '192.0.2.33' }] });
    expect(names(await twice(`${RECORDS}?per_page=5000`))).toContain('cached.example.com=192.0.2.33');
    await call('DELETE', `${RECORDS}/${id}`);
    expect(names(await twice(`${RECORDS}?per_page=5000`))).toEqual(start);
  });

  it('never serves a list of the world before a reset', async () => {
    sim.admin.reset();
    await call('POST', RECORDS, { type: 'A', name: 'before-reset', content: '192.0.2.41', ttl: 1 });
    expect(await twice(RECORDS)).toContain('before-reset');
    sim.admin.reset();
    // Same number of changes since the seed as before the reset: a cache keyed on counts alone would hit.
    await call('POST', RECORDS, { type: 'A', name: 'after-reset', content: '192.0.2.42', ttl: 1 });
    const text = await twice(RECORDS);
    expect(text).toContain('after-reset');
    expect(text).not.toContain('before-reset');
  });
});
