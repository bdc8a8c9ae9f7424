/** A rebuild installs the successor with the server's keys and script: managed ones by their markers. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatNameMarker } from '../../src/model/ownership.ts';
import { scriptDigest } from '../../src/plan/keys.ts';
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import { manualDriver } from '../helpers/manual-clock.ts';
import { startWorld, OWNER, type TestWorld } from '../helpers/sim-world.ts';
import { sshKey, startupScript } from '../plan/builders.ts';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

describe('rebuild with SSHKey and StartupScript manifests', () => {
  it('passes the managed key (by marker), a hand-uploaded key (by name) and the startup script', async () => {
    world = await startWorld();
    const w = world;
    const providers = w.providers();
    const ops = sshKey('ops', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRebuildKey ops@example');
    const boot = startupScript('boot');
    // Someone's hand-uploaded key named "ops" too: a declared name must never resolve to it.
    const decoy = await providers.compute.createSshKey('ops', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDecoyKey someone@example');
    const managed = await providers.compute.createSshKey(formatNameMarker({ owner: OWNER, name: 'ops' }), ops.spec.publicKey);
    const script = await providers.compute.createStartupScript(formatNameMarker({ owner: OWNER, name: 'boot' }, scriptDigest(boot.spec.script)), boot.spec.script, 'boot');
    const doc = w.manifests.servers.get('vpn-0')!;
    doc.spec.sshKeys = ['ops', 'ops-laptop'];
    doc.spec.startupScript = 'boot';
    w.manifests.sshKeys.set('ops', ops);
    w.manifests.startupScripts.set('boot', boot);
    const driver = manualDriver(w.sim.admin);
    const result = await driver.run(rebuildServer({ providers, owner: OWNER, manifests: w.manifests, clock: driver.clock }, 'vpn-0'));
    expect(result.outcome).toBe('rebuilt');
    const inst = w.sim.admin.dump().vultr.instances.find((i) => i.id === result.newId)!;
    const laptop = w.sim.admin.dump().vultr.sshKeys.find((k) => k.name === 'ops-laptop')!;
    expect(inst.sshKeyIds?.sort()).toEqual([managed.id, laptop.id].sort());
    expect(inst.sshKeyIds).not.toContain(decoy.id);
    expect(inst.scriptId).toBe(script.id);
  });
});
