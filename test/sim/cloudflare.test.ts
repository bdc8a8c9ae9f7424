import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from 'cloudflare';
import { FOREIGN_IDS } from '../../src/sim/index.ts';
import { loose, startTestSim } from './harness.ts';

const { sim, cf } = await startTestSim({ seed: { cloudflare: undefined } });
const records = loose(cf);
const FREE = FOREIGN_IDS.exampleCom;
const PAID = FOREIGN_IDS.exampleNet;

async function cfError(p: Promise<unknown>): Promise<{ status: number; codes: number[] }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; errors: { code: number }[] };
    return { status: e.status, codes: e.errors.map((x) => x.code) };
  }
  throw new Error('expected the call to fail');
}

describe('Cloudflare zones and DNS records through the cloudflare SDK', () => {
  it('lists and gets zones with their plans', async () => {
    const zones = [];
    for await (const z of cf.zones.list()) zones.push(z);
    expect(zones.map((z) => [z.name, z.plan?.legacy_id])).toEqual([['example.com', 'free'], ['example.net', 'pro']]);
    expect((await cf.zones.get({ zone_id: PAID })).name).toBe('example.net');
    const filtered = await cf.zones.list({ name: 'example.net' });
    expect(filtered.result.map((z) => z.id)).toEqual([PAID]);
    await expect(cf.zones.get({ zone_id: 'ffffffffffffffffffffffffffffffff' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates, reads, patches, replaces and deletes records', async () => {
    const rec = await records.create({ zone_id: FREE, type: 'A', name: 'app', content: '192.0.2.20', ttl: 300, comment: 'keelson:app' });
    expect(rec).toMatchObject({ name: 'app.example.com', type: 'A', content: '192.0.2.20', ttl: 300, proxied: false, comment: 'keelson:app' });
    expect((await cf.dns.records.get(rec.id, { zone_id: FREE })).content).toBe('192.0.2.20');
    const patched = await records.edit(rec.id, { zone_id: FREE, content: '192.0.2.21', proxied: true });
    expect(patched).toMatchObject({ content: '192.0.2.21', proxied: true, ttl: 300, comment: 'keelson:app' });
    const put = await records.update(rec.id, { zone_id: FREE, type: 'A', name: 'app.example.com', content: '192.0.2.22' });
    expect(put).toMatchObject({ content: '192.0.2.22', ttl: 1, proxied: false, comment: '' });
    expect(await cf.dns.records.delete(rec.id, { zone_id: FREE })).toEqual({ id: rec.id });
    expect(await cfError(cf.dns.records.get(rec.id, { zone_id: FREE }))).toEqual({ status: 404, codes: [81044] });
  });

  it('validates records: content per type, TTL, proxied, MX priority', async () => {
    const bad = (body: object) => cfError(records.create({ zone_id: FREE, ...body } as Parameters<typeof cf.dns.records.create>[0]));
    expect((await bad({ type: 'A', name: 'x', content: 'not-an-ip' })).status).toBe(400);
    expect((await bad({ type: 'AAAA', name: 'x', content: '192.0.2.1' })).status).toBe(400);
    expect((await bad({ type: 'A', name: 'x', content: '192.0.2.1', ttl: 5 })).codes).toEqual([9021]);
    expect((await bad({ type: 'TXT', name: 'x', content: 'v', proxied: true })).codes).toEqual([9041]);
    expect((await bad({ type: 'MX', name: 'x', content: 'mx.example.com' })).codes).toEqual([9100]);
    await expect(records.create({ zone_id: FREE, type: 'A', name: 'x', content: 'nope' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('refuses duplicates: identical record 81058, CNAME conflicts 81057', async () => {
    await records.create({ zone_id: FREE, type: 'A', name: 'dup', content: '192.0.2.30' });
    const identical = await cfError(records.create({ zone_id: FREE, type: 'A', name: 'dup.example.com', content: '192.0.2.30' }));
    expect(identical).toEqual({ status: 400, codes: [81058] });
    await records.create({ zone_id: FREE, type: 'A', name: 'dup', content: '192.0.2.31' });
    expect((await cfError(records.create({ zone_id: FREE, type: 'CNAME', name: 'dup', content: 'other.example.org' }))).codes).toEqual([81057]);
  });

  it('enforces comment and tag limits by zone plan', async () => {
    const long = 'c'.repeat(101);
    expect((await cfError(records.create({ zone_id: FREE, type: 'TXT', name: 'c', content: 'x', comment: long }))).codes).toEqual([9102]);
    expect((await cfError(records.create({ zone_id: FREE, type: 'TXT', name: 'c', content: 'x', tags: ['owner:keelson'] }))).codes).toEqual([9103]);
    const paid = await records.create({ zone_id: PAID, type: 'TXT', name: 'c', content: 'x', comment: 'c'.repeat(500), tags: ['owner:keelson', 'name:web'] });
    expect(paid.tags).toEqual(['owner:keelson', 'name:web']);
    expect((await cfError(records.create({ zone_id: PAID, type: 'TXT', name: 'c2', content: 'x', comment: 'c'.repeat(501) }))).codes).toEqual([9102]);
    const tooMany = Array.from({ length: 21 }, (_, i) => `t${i}:v`);
    expect((await cfError(records.create({ zone_id: PAID, type: 'TXT', name: 'c3', content: 'x', tags: tooMany }))).codes).toEqual([9103]);
    expect((await cfError(records.create({ zone_id: PAID, type: 'TXT', name: 'c4', content: 'x', tags: [`${'n'.repeat(33)}:v`] }))).codes).toEqual([9104]);
  });

  it('filters and orders lists: name, name.exact, type, content, comment.*, tag.*, match, order, direction', async () => {
    for (const [n, ip, comment] of [['f1', '198.51.100.1', 'keelson:f1'], ['f2', '198.51.100.2', 'keelson:f2'], ['g1', '198.51.100.3', 'other']] as const) {
      await records.create({ zone_id: PAID, type: 'A', name: n, content: ip, comment, tags: [`app:${n}`] });
    }
    const names = async (q: object) => (await cf.dns.records.list({ zone_id: PAID, ...q })).result.map((r) => r.name);
    expect(await names({ name: { exact: 'f1.example.net' } })).toEqual(['f1.example.net']);
    expect(await names({ comment: { startswith: 'keelson:' }, order: 'name', direction: 'desc' })).toEqual(['f2.example.net', 'f1.example.net']);
    expect(await names({ comment: { contains: 'f2' } })).toEqual(['f2.example.net']);
    expect(await names({ content: { exact: '198.51.100.3' } })).toEqual(['g1.example.net']);
    expect(await names({ type: 'A', tag: { exact: 'app:g1' } })).toEqual(['g1.example.net']);
    expect(await names({ tag: { startswith: 'app:f' }, order: 'content' })).toEqual(['f1.example.net', 'f2.example.net']);
    expect(await names({ match: 'any', name: { exact: 'f1.example.net' }, content: { exact: '198.51.100.3' }, order: 'name' })).toEqual(['f1.example.net', 'g1.example.net']);
  });

  it('paginates with result_info and an empty page past the last one (SDK auto-pagination)', async () => {
    for (let i = 0; i < 25; i++) await records.create({ zone_id: PAID, type: 'A', name: `p${i}`, content: `203.0.113.${i + 1}`, comment: 'pager' });
    sim.admin.resetCounters();
    const all = [];
    for await (const r of cf.dns.records.list({ zone_id: PAID, comment: { exact: 'pager' }, per_page: 10 })) all.push(r.name);
    expect(all).toHaveLength(25);
    // Pages 1..3 hold records; page 4 comes back empty and ends the iteration.
    expect(sim.admin.count('GET /client/v4/zones/:zone_id/dns_records')).toBe(4);
    const page3 = await cf.dns.records.list({ zone_id: PAID, comment: { exact: 'pager' }, per_page: 10, page: 3 });
    expect(page3.result_info).toEqual({ page: 3, per_page: 10, count: 5, total_count: 25, total_pages: 3 });
    const past = await cf.dns.records.list({ zone_id: PAID, comment: { exact: 'pager' }, per_page: 10, page: 9 });
    expect(past.result).toEqual([]);
  });

  it('runs batches in order (deletes, patches, puts, posts) as one transaction within size limits', async () => {
    const a = await records.create({ zone_id: PAID, type: 'A', name: 'b1', content: '192.0.2.41' });
    const b = await records.create({ zone_id: PAID, type: 'A', name: 'b2', content: '192.0.2.42' });
    // The post re-creates what the delete removed: only valid because deletes run first.
    const res = await records.batch({
      zone_id: PAID,
      deletes: [{ id: a.id }],
      patches: [{ id: b.id, content: '192.0.2.43' }],
      posts: [{ type: 'A', name: 'b1', content: '192.0.2.41' }],
    });
    expect(res.deletes?.map((r) => r.id)).toEqual([a.id]);
    expect(res.patches?.[0]?.content).toBe('192.0.2.43');
    expect(res.posts?.[0]?.name).toBe('b1.example.net');
    const before = JSON.stringify(sim.admin.dump().cloudflare.records);
    const failedBatch = await cfError(records.batch({
      zone_id: PAID, deletes: [{ id: b.id }], posts: [{ type: 'A', name: 'ok', content: '192.0.2.44' }, { type: 'A', name: 'bad', content: 'nope' }],
    }));
    expect(failedBatch.status).toBe(400);
    expect(JSON.stringify(sim.admin.dump().cloudflare.records)).toBe(before);
    const tooBig = Array.from({ length: 201 }, (_, i) => ({ type: 'TXT' as const, name: `big${i}`, content: 'x' }));
    expect((await cfError(records.batch({ zone_id: FREE, posts: tooBig }))).codes).toEqual([81074]);
  });

  it('enforces records per zone (Free: 200)', async () => {
    const have = (await cf.dns.records.list({ zone_id: FREE, per_page: 5000 })).result.length;
    const posts = Array.from({ length: 200 - have }, (_, i) => ({ type: 'TXT' as const, name: `q${i}`, content: 'x' }));
    await records.batch({ zone_id: FREE, posts });
    expect((await cfError(records.create({ zone_id: FREE, type: 'TXT', name: 'one-more', content: 'x' }))).codes).toEqual([81045]);
  });
});
