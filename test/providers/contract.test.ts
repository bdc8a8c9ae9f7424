/** One contract suite, run against the in-memory fake and against the real SDKs → simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeProviders, emptyFakeWorld } from '../../src/providers/fake.ts';
import type { Providers, ServerCreateInput } from '../../src/providers/types.ts';
import { startTestSim, type TestSim } from '../helpers/sim.ts';

interface Subject {
  name: string;
  setup(): Promise<{ providers: Providers; stop(): Promise<void> }>;
}

const subjects: Subject[] = [
  {
    name: 'in-memory fake',
    async setup() {
      const world = emptyFakeWorld();
      world.zones.push({ provider: 'cloudflare', id: 'z1', name: 'example.com', plan: 'free' });
      return { providers: createFakeProviders(world), stop: async () => {} };
    },
  },
  {
    name: 'SDKs → simulator',
    async setup() {
      const t: TestSim = await startTestSim();
      return { providers: t.conn.providers, stop: t.stop };
    },
  },
];

function createInput(name: string, op: string): ServerCreateInput {
  const opTag = `keelson:op=${op}`;
  return {
    region: 'ewr', plan: 'vc2-1c-1gb', image: { osId: 2284 }, label: name, hostname: name,
    tags: ['keelson:owner=contract', `keelson:name=${name}`, opTag, 'team-a'], opTag, sshKeyIds: [], enableIpv6: false,
  };
}

for (const subject of subjects) {
  describe(`provider contract: ${subject.name}`, () => {
    let providers: Providers;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ providers, stop } = await subject.setup());
    });
    afterAll(() => stop());

    it('creates a server once per operation tag, with ownership parsed from its tags', async () => {
      const a = await providers.compute.createServer(createInput('c-one', 'op-1'));
      const b = await providers.compute.createServer(createInput('c-one', 'op-1'));
      expect(b.id).toBe(a.id);
      expect(a.ownership).toMatchObject({ owner: 'contract', name: 'c-one', op: 'op-1' });
      expect(a.tags).toEqual([...a.tags].sort());
      const byTag = await providers.compute.listServersByTag('keelson:op=op-1');
      expect(byTag.map((s) => s.id)).toEqual([a.id]);
    });

    it('lists every server, reads one back and deletes it (twice is fine)', async () => {
      const s = await providers.compute.createServer(createInput('c-two', 'op-2'));
      expect((await providers.compute.listServers()).some((x) => x.id === s.id)).toBe(true);
      expect((await providers.compute.getServer(s.id))?.id).toBe(s.id);
      await providers.compute.deleteServer(s.id);
      await providers.compute.deleteServer(s.id);
      expect((await providers.compute.listServers()).some((x) => x.id === s.id)).toBe(false);
    });

    it('updates tags in place', async () => {
      const s = await providers.compute.createServer(createInput('c-three', 'op-3'));
      const tags = [...s.tags.filter((t) => t !== 'team-a'), 'team-b'];
      const u = await providers.compute.updateServer(s.id, { tags });
      expect(u.tags).toContain('team-b');
      expect(u.tags).not.toContain('team-a');
    });

    it('applies record creates, updates and deletes to a zone and reads them back normalized', async () => {
      const zone = (await providers.dns.listZones()).find((z) => z.name === 'example.com')!;
      const created = await providers.dns.applyRecordChanges(zone, {
        deletes: [],
        updates: [],
        creates: [
          { fqdn: 'c1.example.com', type: 'A', content: '192.0.2.10', ttl: 'auto', proxied: false, comment: 'one [k:contract/z]' },
          { fqdn: 'c2.example.com', type: 'AAAA', content: '2001:DB8:0:0::1', ttl: 300, proxied: false, comment: '[k:contract/z]' },
        ],
      });
      expect(created).toHaveLength(2);
      const live = await providers.dns.listRecords(zone);
      const c1 = live.find((r) => r.fqdn === 'c1.example.com')!;
      const c2 = live.find((r) => r.fqdn === 'c2.example.com')!;
      expect(c1).toMatchObject({ ttl: 'auto', comment: 'one', ownership: { owner: 'contract', name: 'z' } });
      expect(c2.content === '2001:db8::1' || c2.content === '2001:DB8:0:0::1').toBe(true);
      await providers.dns.applyRecordChanges(zone, {
        deletes: [c2.id],
        updates: [{ id: c1.id, record: { fqdn: 'c1.example.com', type: 'A', content: '192.0.2.11', ttl: 120, proxied: false, comment: 'one [k:contract/z]' } }],
        creates: [],
      });
      const after = await providers.dns.listRecords(zone);
      expect(after.find((r) => r.id === c1.id)).toMatchObject({ content: '192.0.2.11', ttl: 120 });
      expect(after.some((r) => r.id === c2.id)).toBe(false);
    });

    it('creates an ssh key once per name, updates it in place, lists its text and deletes it (twice is fine)', async () => {
      const name = 'ops [keelson:contract/ops]';
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIContractKey ops@example';
      const a = await providers.compute.createSshKey(name, key);
      expect(await providers.compute.createSshKey(name, key)).toEqual(a);
      expect((await providers.compute.catalog(['ewr'])).sshKeys.filter((k) => k.name === name)).toEqual([{ id: a.id, name, publicKey: key }]);
      await providers.compute.updateSshKey(a.id, { publicKey: key.replace('Contract', 'Rotated') });
      expect((await providers.compute.catalog(['ewr'])).sshKeys.find((k) => k.id === a.id)?.publicKey).toBe(key.replace('Contract', 'Rotated'));
      await providers.compute.deleteSshKey(a.id);
      await providers.compute.deleteSshKey(a.id);
      expect((await providers.compute.catalog(['ewr'])).sshKeys.some((k) => k.id === a.id)).toBe(false);
    });

    it('creates a startup script once per name, renames it in place and deletes it', async () => {
      const a = await providers.compute.createStartupScript('boot [keelson:contract/boot#0123456789ab]', '#!/bin/sh\necho hi\n', 'pxe');
      expect(await providers.compute.createStartupScript('boot [keelson:contract/boot#0123456789ab]', '#!/bin/sh\necho hi\n', 'pxe')).toEqual(a);
      await providers.compute.updateStartupScript(a.id, { name: 'boot [keelson:contract/boot#ba9876543210]', script: 'echo 2', type: 'boot' });
      expect((await providers.compute.catalog(['ewr'])).startupScripts.find((x) => x.id === a.id)).toEqual({ id: a.id, name: 'boot [keelson:contract/boot#ba9876543210]', type: 'boot' });
      await providers.compute.deleteStartupScript(a.id);
      await providers.compute.deleteStartupScript(a.id);
      expect((await providers.compute.catalog(['ewr'])).startupScripts.some((x) => x.id === a.id)).toBe(false);
    });

    it('reports a catalog with regions, plans where they are sold and OS names', async () => {
      const cat = await providers.compute.catalog(['ewr']);
      expect(cat.regions.some((r) => r.id === 'ewr')).toBe(true);
      expect(cat.plans.get('vc2-1c-1gb')?.has('ewr')).toBe(true);
      expect(cat.os.some((o) => o.name === 'Ubuntu 24.04 LTS x64')).toBe(true);
    });
  });
}
