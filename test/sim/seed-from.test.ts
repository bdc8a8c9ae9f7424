import { describe, expect, it } from 'vitest';
import { parseSnapshotDescription } from '../../src/model/ownership.ts';
import { defaultWorld } from '../../src/sim/default-world.ts';
import { worldFromSeed } from '../../src/sim/seed.ts';
import { seedFromManifests } from '../../src/sim/seed-from.ts';
import { manifests, server, sshKey, startupScript, zone } from '../plan/builders.ts';

const repo = manifests({
  servers: [
    server('web', { sshKeys: ['ops', 'legacy'], startupScript: 'boot', image: { snapshot: 'golden' } }),
    server('db', { sshKeys: ['legacy', 'ops-laptop'], startupScript: 'hand-made' }),
  ],
  sshKeys: [sshKey('ops')],
  scripts: [startupScript('boot')],
  zones: [zone('main', 'example.com'), zone('other', 'shop.example.org')],
});

describe('seedFromManifests (keelson sim --seed-from)', () => {
  it('adds only what the repository names and does not declare', () => {
    const w = worldFromSeed(seedFromManifests({ owner: 'acme' }, repo));
    const base = defaultWorld();
    expect(w.vultr.sshKeys.map((k) => k.name)).toEqual([...base.vultr.sshKeys.map((k) => k.name), 'legacy']);
    expect(w.vultr.startupScripts.map((s) => s.name)).toEqual(['hand-made']);
    const added = w.vultr.snapshots.filter((s) => !base.vultr.snapshots.some((b) => b.id === s.id));
    expect(added.map((s) => parseSnapshotDescription(s.description).ownership)).toEqual([{ owner: 'acme', name: 'golden' }]);
    expect(added[0]!.readyAt).toBeLessThanOrEqual(added[0]!.createdAt);
    expect(w.cloudflare.zones.map((z) => z.name)).toEqual(['example.com', 'example.net', 'shop.example.org']);
  });

  it('registers the hand-uploaded stand-ins as someone else\'s, so keelson must never change them', () => {
    const w = worldFromSeed(seedFromManifests({ owner: 'acme' }, repo));
    const legacy = w.vultr.sshKeys.find((k) => k.name === 'legacy')!;
    const script = w.vultr.startupScripts.find((s) => s.name === 'hand-made')!;
    expect(w.foreign).toEqual(expect.arrayContaining([{ kind: 'ssh_key', id: legacy.id }, { kind: 'startup_script', id: script.id }]));
    expect(legacy.ssh_key).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+ legacy@seeded$/);
  });

  it('is the same world every time, and adds nothing twice when seeded on top of itself', () => {
    const once = seedFromManifests({ owner: 'acme' }, repo);
    expect(seedFromManifests({ owner: 'acme' }, repo)).toEqual(once);
    const twice = worldFromSeed(seedFromManifests({ owner: 'acme' }, repo, once));
    expect(twice).toEqual(worldFromSeed(once));
  });
});
