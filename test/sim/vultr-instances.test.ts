import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, FOREIGN_IDS } from '../../src/sim/index.ts';
import { VULTR_ERRORS } from '../../src/sim/vultr/errors.ts';
import { failed, ok, startTestSim, type VInstance, type VMeta } from './harness.ts';

const { sim, vultr } = await startTestSim({ notFoundAfterCreateMs: 5_000 });
const inst = vultr.instances;

async function create(params: object = {}): Promise<VInstance> {
  const r = ok<{ instance: VInstance }>(await inst.createInstance({ region: 'ewr', plan: 'vc2-1c-1gb', os_id: '2284', ...params }));
  return r.instance;
}
async function get(id: string): Promise<VInstance> {
  return ok<{ instance: VInstance }>(await inst.getInstance({ 'instance-id': id })).instance;
}

describe('Vultr instances through @vultr/vultr-node', () => {
  it('installs over simulated time: pending/none/0.0.0.0 → active/locked → installingbooting → ok with a real IP', async () => {
    const created = await create({ label: 'web-1', tags: ['keelson:web-1'] });
    expect(created).toMatchObject({ status: 'pending', server_status: 'none', main_ip: '0.0.0.0', power_status: 'running' });
    expect(created.default_password).toMatch(/.{8,}/);
    // The reported short 404 window right after create.
    expect(failed(await inst.getInstance({ 'instance-id': created.id })).message).toBe(`Not Found: ${VULTR_ERRORS.instanceNotFound}`);
    sim.admin.advance(5_000);
    expect(await get(created.id)).toMatchObject({ status: 'pending', server_status: 'none', main_ip: '0.0.0.0' });
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs * 0.2);
    const locked = await get(created.id);
    expect(locked).toMatchObject({ status: 'active', server_status: 'locked' });
    expect(locked.main_ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs * 0.2);
    expect((await get(created.id)).server_status).toBe('installingbooting');
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    const ready = await get(created.id);
    expect(ready).toMatchObject({ status: 'active', server_status: 'ok', main_ip: locked.main_ip });
    expect('default_password' in ready).toBe(false);
  });

  it('hands out unique documentation-range IPs (and IPv6 from 2001:db8::/32)', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => create({ label: `ip-${i}`, enable_ipv6: true })));
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    const all = await Promise.all(made.map((m) => get(m.id)));
    const ips = all.map((i) => i.main_ip);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips).not.toContain('192.0.2.10');
    for (const i of all) expect(i.v6_main_ip).toMatch(/^2001:db8:/);
  });

  it('installs from a snapshot take longer than OS installs', async () => {
    const fromOs = await create();
    const fromSnap = await create({ os_id: undefined, snapshot_id: FOREIGN_IDS.snapshot });
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    expect((await get(fromOs.id)).server_status).toBe('ok');
    expect((await get(fromSnap.id)).server_status).not.toBe('ok');
    sim.admin.advance(DEFAULT_TIMINGS.snapshotInstallMs);
    expect((await get(fromSnap.id)).server_status).toBe('ok');
  });

  it('validates creates as the provider does', async () => {
    const err = async (p: object) => failed(await inst.createInstance({ region: 'ewr', plan: 'vc2-1c-1gb', ...p })).message;
    expect(await err({})).toBe(`Bad Request: ${VULTR_ERRORS.noSource}`);
    expect(await err({ os_id: '2284', snapshot_id: FOREIGN_IDS.snapshot })).toBe(`Bad Request: ${VULTR_ERRORS.onlyOneSource}`);
    expect(await err({ os_id: '99999' })).toBe(`Bad Request: ${VULTR_ERRORS.invalidOs}`);
    expect(await err({ os_id: '2284', region: 'xxx' })).toBe(`Bad Request: ${VULTR_ERRORS.invalidRegion}`);
    expect(await err({ os_id: '2284', region: 'syd', plan: 'vc2-2c-4gb' })).toBe(`Bad Request: ${VULTR_ERRORS.planNotInRegion}`);
    expect(await err({ os_id: '2284', region: 'fra', plan: 'vc2-4c-8gb' })).toBe(`Bad Request: ${VULTR_ERRORS.planNotInRegion}`);
    expect(await err({ os_id: '2284', sshkey_id: ['nope'] })).toBe(`Bad Request: ${VULTR_ERRORS.invalidSshKey}`);
    // Required fields are checked by the SDK itself before any request.
    expect(() => inst.createInstance({ plan: 'vc2-1c-1gb', os_id: '2284' })).toThrow();
  });

  it('lists with per_page ≤ 500 cursors and the tag/label/region filters', async () => {
    for (let i = 0; i < 7; i++) await create({ label: `page-${i}`, tags: ['pager'], region: i % 2 ? 'ams' : 'ewr' });
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const r = ok<{ instances: VInstance[]; meta: VMeta }>(await inst.listInstances({ per_page: '3', tag: 'pager', ...(cursor && { cursor }) }));
      seen.push(...r.instances.map((i) => i.label));
      expect(r.meta.total).toBe(7);
      cursor = r.meta.links.next;
      pages++;
    } while (cursor !== '');
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `page-${i}`));
    const ams = ok<{ instances: VInstance[] }>(await inst.listInstances({ tag: 'pager', region: 'ams' }));
    expect(ams.instances).toHaveLength(3);
    const byLabel = ok<{ instances: VInstance[] }>(await inst.listInstances({ label: 'page-4' }));
    expect(byLabel.instances.map((i) => i.label)).toEqual(['page-4']);
    expect(failed(await inst.listInstances({ per_page: '501' })).message).toBe(`Bad Request: ${VULTR_ERRORS.invalidPerPage}`);
  });

  it('grows daily bandwidth while running, and stops growing when halted', async () => {
    const i = await create();
    type Bw = { bandwidth: Record<string, { incoming_bytes: number; outgoing_bytes: number }> };
    const total = async () => {
      const days = Object.values(ok<Bw>(await inst.getInstanceBandwidth({ 'instance-id': i.id })).bandwidth);
      return days.reduce((s, d) => s + d.incoming_bytes + d.outgoing_bytes, 0);
    };
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    const t1 = await total();
    sim.admin.advance(3_600_000);
    const t2 = await total();
    expect(t2).toBeGreaterThan(t1);
    expect(await inst.haltInstance({ 'instance-id': i.id })).toBeUndefined();
    expect((await get(i.id)).power_status).toBe('stopped');
    sim.admin.advance(3_600_000);
    expect(await total()).toBe(t2);
    expect(await inst.startInstance({ 'instance-id': i.id })).toBeUndefined();
    sim.admin.advance(86_400_000 * 2);
    const days = ok<Bw>(await inst.getInstanceBandwidth({ 'instance-id': i.id })).bandwidth;
    expect(Object.keys(days).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(days).every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
  });

  it('updates, reinstalls, reboots and deletes', async () => {
    const i = await create({ tags: ['a'] });
    sim.admin.advance(DEFAULT_TIMINGS.osInstallMs);
    const patched = ok<{ instance: VInstance }>(await inst.updateInstance({ 'instance-id': i.id, label: 'renamed', tags: ['a', 'b'] }));
    expect(patched.instance).toMatchObject({ label: 'renamed', tags: ['a', 'b'], server_status: 'ok' });
    const re = ok<{ instance: VInstance }>(await inst.reinstallInstance({ 'instance-id': i.id, hostname: 'new-host' }));
    expect(re.instance.server_status).toBe('locked');
    sim.admin.advance(DEFAULT_TIMINGS.reinstallMs);
    expect(await inst.rebootInstance({ 'instance-id': i.id })).toBeUndefined();
    expect((await get(i.id)).server_status).toBe('installingbooting');
    const os = ok<{ instance: VInstance & { os: string } }>(await inst.updateInstance({ 'instance-id': i.id, os_id: '2136' }));
    expect(os.instance.os).toBe('Debian 12 x64 (bookworm)');
    expect(await inst.deleteInstance({ 'instance-id': i.id })).toBeUndefined();
    expect(failed(await inst.getInstance({ 'instance-id': i.id })).message).toBe('Not Found: instance not found');
    expect(failed(await inst.deleteInstance({ 'instance-id': i.id })).message).toBe('Not Found: instance not found');
  });
});
