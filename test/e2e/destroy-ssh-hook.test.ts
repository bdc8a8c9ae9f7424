/**
 * A destroy hook over real SSH: OpenSSH's sshd on 127.0.0.1 (E2E.md), the host key checked against
 * the repository's known-hosts file, the command run once even when destroy is repeated.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/apply/types.ts';
import { trustHostKey } from '../../src/deploy/known-hosts.ts';
import { WorkflowError } from '../../src/errors.ts';
import type { ServerDoc } from '../../src/model/types.ts';
import { destroyServer } from '../../src/workflows/destroy.ts';
import { sshSettings } from '../helpers/deployment.ts';
import { ownedInstances } from '../helpers/invariants.ts';
import { OWNER, startWorld, type TestWorld } from '../helpers/sim-world.ts';
import { startSshd, tempDir, type Sshd } from './harness/components.ts';

const available = existsSync('/usr/sbin/sshd') && process.getuid?.() === 0;
if (!available && process.env.CI === 'true') throw new Error('sshd (openssh-server) and root are needed for the SSH destroy hook test');

describe.skipIf(!available)('destroy hook over SSH (real sshd on 127.0.0.1)', () => {
  let dir: string;
  let sshd: Sshd;
  let world: TestWorld;
  beforeAll(async () => {
    dir = tempDir('destroy-hook');
    sshd = await startSshd(dir);
    mkdirSync(join(dir, 'repo', '.keelson'), { recursive: true });
    await trustHostKey(join(dir, 'repo', '.keelson', 'known_hosts'), '127.0.0.1', sshd.port, sshd.hostKeyBlob);
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.sim.stop();
    sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the command with shell-quoted values once; a repeated destroy does not run it again', async () => {
    const out = join(dir, 'hook.log');
    const doc0 = world.manifests.servers.get('vpn-0')!;
    const ssh = sshSettings({ user: 'root', port: sshd.port, keyFile: sshd.clientKey, knownHostsFile: '.keelson/known_hosts' });
    const doc: ServerDoc = {
      ...doc0,
      metadata: { ...doc0.metadata, labels: { customer: 'acme corp' } },
      spec: { ...doc0.spec, destroyHooks: [{ name: 'vpn-profile', ssh: { host: '127.0.0.1', ssh, command: `echo removed \${label.customer} \${server} \${ip} >> ${out}` } }] },
    };
    world.manifests.servers.set('vpn-0', doc);
    const ctx = { providers: world.providers(), owner: OWNER, manifests: world.manifests, clock: realClock, root: join(dir, 'repo') };
    const r = await destroyServer(ctx, doc);
    expect(r.hooksRun).toEqual(['vpn-profile']);
    expect(readFileSync(out, 'utf8')).toBe('removed acme corp vpn-0 198.51.100.200\n');
    expect(ownedInstances(world.sim.admin, OWNER).get('vpn-0')).toBeUndefined();
    await destroyServer(ctx, doc);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('refuses a host whose key is not in the known-hosts file, and keeps the server', async () => {
    const doc0 = world.manifests.servers.get('vpn-0')!;
    const ssh = sshSettings({ user: 'root', port: sshd.port, keyFile: sshd.clientKey, knownHostsFile: 'elsewhere/known_hosts' });
    const w2 = await startWorld();
    try {
      const doc: ServerDoc = { ...doc0, spec: { ...doc0.spec, destroyHooks: [{ name: 'x', ssh: { host: '127.0.0.1', ssh, command: 'true' } }] } };
      const err = await destroyServer({ providers: w2.providers(), owner: OWNER, manifests: w2.manifests, clock: realClock, root: join(dir, 'repo') }, doc).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowError);
      expect((err as Error).message).toMatch(/hook x: .*(not trusted|known)/);
      expect(ownedInstances(w2.sim.admin, OWNER).get('vpn-0')).toHaveLength(1);
    } finally {
      await w2.sim.stop();
    }
  });
});
