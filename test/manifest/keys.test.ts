import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/errors.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { writeRepo } from './helpers.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeelsonTestKeyOnlyForTests ops@example';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: keelson.dev/v1
kind: ${kind}
metadata:
  name: ${name}
spec:
${spec}`;

async function problems(files: Record<string, string>): Promise<string[]> {
  const r = await loadProject(writeRepo(files));
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${formatLocation(p)}: ${p.message}`);
}

describe('SSHKey and StartupScript manifests', () => {
  it('inline key and script: normalized, defaults filled', async () => {
    const r = await loadProject(writeRepo({
      'manifests/keys.yaml': `${doc('SSHKey', 'ops', `  publicKey: |\n    ${KEY.replace(' ', '  ')}\n`)}---\n${doc('StartupScript', 'boot', '  script: |\n    #!/bin/sh\n    echo hi\n')}`,
    }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifests.sshKeys.get('ops')?.spec).toEqual({ provider: 'vultr', publicKey: KEY });
    expect(r.manifests.startupScripts.get('boot')?.spec).toEqual({ provider: 'vultr', type: 'boot', script: '#!/bin/sh\necho hi\n' });
  });

  it('files in the repository are read relative to its root', async () => {
    const r = await loadProject(writeRepo({
      'keys/ops.pub': `${KEY}\n`,
      'scripts/boot.sh': '#!/bin/sh\necho from file\n',
      'manifests/keys.yaml': `${doc('SSHKey', 'ops', '  publicKeyFile: keys/ops.pub\n')}---\n${doc('StartupScript', 'boot', '  type: pxe\n  scriptFile: scripts/boot.sh\n')}`,
    }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifests.sshKeys.get('ops')?.spec).toEqual({ provider: 'vultr', publicKey: KEY, file: 'keys/ops.pub' });
    expect(r.manifests.startupScripts.get('boot')?.spec).toEqual({ provider: 'vultr', type: 'pxe', script: '#!/bin/sh\necho from file\n', file: 'scripts/boot.sh' });
  });

  it('refuses a file outside the repository, a missing file, and a private key, each at its field', async () => {
    const files = {
      'keys/private': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      'manifests/keys.yaml': [
        doc('SSHKey', 'up', '  publicKeyFile: OUTSIDE\n'),
        doc('SSHKey', 'gone', '  publicKeyFile: keys/none.pub\n'),
        doc('SSHKey', 'priv', '  publicKeyFile: keys/private\n'),
        doc('StartupScript', 'abs', '  scriptFile: /etc/passwd\n'),
      ].join('---\n'),
    };
    const root = writeRepo({});
    const outside = relative(root, '/etc/hostname');
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text.replace('OUTSIDE', outside));
    }
    const r = await loadProject(root);
    if (r.ok) throw new Error('expected problems');
    expect(r.problems.map((p) => `${formatLocation(p)}: ${p.message}`)).toEqual([
      `manifests/keys.yaml:6:18 [SSHKey/up] spec.publicKeyFile: "${outside}" resolves outside the repository; refusing to read it`,
      'manifests/keys.yaml:13:18 [SSHKey/gone] spec.publicKeyFile: file "keys/none.pub" not found (paths are relative to the repository root)',
      'manifests/keys.yaml:20:18 [SSHKey/priv] spec.publicKeyFile: "keys/private" does not hold exactly one OpenSSH public key line ("ssh-ed25519 AAAA... comment"); is it the private key?',
      'manifests/keys.yaml:27:15 [StartupScript/abs] spec.scriptFile: "/etc/passwd" is absolute: name a file inside the repository, relative to its root',
    ]);
  });

  it('refuses a symlink that leads out of the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'keelson-outside-'));
    writeFileSync(join(outside, 'x.pub'), `${KEY}\n`);
    const root = writeRepo({ 'manifests/keys.yaml': doc('SSHKey', 'ops', '  publicKeyFile: keys/link.pub\n') });
    mkdirSync(join(root, 'keys'));
    symlinkSync(join(outside, 'x.pub'), join(root, 'keys/link.pub'));
    const r = await loadProject(root);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.message)).toEqual(['"keys/link.pub" resolves outside the repository; refusing to read it']);
  });

  it('schema: exactly one of text or file; key text must look like a public key; type is boot or pxe', async () => {
    const msgs = await problems({
      'keys/ops.pub': `${KEY}\n`,
      'manifests/keys.yaml': [
        doc('SSHKey', 'both', `  publicKey: ${KEY}\n  publicKeyFile: keys/ops.pub\n`),
        doc('SSHKey', 'none', '  provider: vultr\n'),
        doc('SSHKey', 'bad', '  publicKey: not a key\n'),
        doc('StartupScript', 'typ', '  type: ipxe\n  script: echo\n'),
      ].join('---\n'),
    });
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toMatch(/\[SSHKey\/both\]/);
    expect(msgs[1]).toMatch(/\[SSHKey\/none\]/);
    expect(msgs[2]).toMatch(/\[SSHKey\/bad\] spec\.publicKey/);
    expect(msgs[3]).toMatch(/\[StartupScript\/typ\] spec\.type/);
  });

  it('names are unique per kind', async () => {
    const msgs = await problems({ 'manifests/keys.yaml': `${doc('SSHKey', 'ops', `  publicKey: ${KEY}\n`)}---\n${doc('SSHKey', 'ops', `  publicKey: ${KEY}\n`)}` });
    expect(msgs).toEqual(['manifests/keys.yaml:11:9 [SSHKey/ops] metadata.name: SSHKey "ops" is already declared at manifests/keys.yaml:1; names are unique per kind']);
  });
});
