/** SSH keys and startup scripts end to end: real @vultr/vultr-node against the simulator, apply then plan. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/manifest/load-project.ts';
import type { Manifests, ProjectConfig } from '../../src/model/types.ts';
import { observeAndPlan } from '../../src/pipeline.ts';
import { FOREIGN_IDS } from '../../src/sim/index.ts';
import { applyOnce } from '../helpers/converge.ts';
import { startTestSim } from '../helpers/sim.ts';
import { writeRepo } from '../manifest/helpers.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeelsonIntegrationKey ops@example';
const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeelsonRotatedKey ops@example';
const SCRIPT = '#!/bin/sh\necho "first boot"\n';

const head = (kind: string, name: string): string => `apiVersion: keelson.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;
const SERVER = `${head('Server', 'web')}  region: ewr\n  plan: vc2-1c-1gb\n  image:\n    os: Ubuntu 24.04 LTS x64\n  sshKeys: [ops, ops-laptop]\n  startupScript: boot\n`;

const root = writeRepo({
  'keys/ops.pub': `${KEY}\n`,
  'scripts/boot.sh': SCRIPT,
  'manifests/keys.yaml': `${head('SSHKey', 'ops')}  publicKeyFile: keys/ops.pub\n`,
  'manifests/scripts.yaml': `${head('StartupScript', 'boot')}  scriptFile: scripts/boot.sh\n`,
  'manifests/servers.yaml': SERVER,
});
const t = await startTestSim();
afterAll(() => t.stop());

async function load(): Promise<{ project: ProjectConfig; manifests: Manifests }> {
  const r = await loadProject(root);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r;
}

async function planIds(): Promise<string[]> {
  const { project, manifests } = await load();
  const { plan } = await observeAndPlan(project, manifests, t.conn.providers);
  expect(plan.problems).toEqual([]);
  return plan.changes.map((c) => c.id);
}

async function apply(): Promise<string[]> {
  const { project, manifests } = await load();
  const { plan, result } = await applyOnce(project, manifests, t.conn.providers);
  expect(result.results.filter((r) => r.status !== 'done')).toEqual([]);
  return plan.changes.map((c) => c.id);
}

describe('SSHKey and StartupScript through the Vultr SDK and the simulator', () => {
  it('creates the key and script before the server that uses them; the next plan is empty', async () => {
    expect(await apply()).toEqual(['SSHKey/ops#create', 'StartupScript/boot#create', 'Server/web#create']);
    expect(await planIds()).toEqual([]);
    const w = t.sim.admin.dump().vultr;
    const key = w.sshKeys.find((k) => k.name === 'ops [keelson:test/ops]');
    expect(key?.ssh_key).toBe(KEY);
    const script = w.startupScripts.find((s) => s.name.startsWith('boot [keelson:test/boot#'));
    expect(Buffer.from(script?.script ?? '', 'base64').toString('utf8')).toBe(SCRIPT);
    expect(script?.type).toBe('boot');
    const web = w.instances.find((i) => i.label === 'web');
    // The declared key by its marker, the hand-uploaded one (someone else's in the default world) by its name.
    expect(web?.sshKeyIds?.sort()).toEqual([key!.id, FOREIGN_IDS.sshKey].sort());
    expect(web?.scriptId).toBe(script?.id);
    expect(t.sim.admin.foreignTouches()).toEqual([]);
  });

  it('a changed key file and script body are updated in place; the server is not replaced', async () => {
    writeFileSync(join(root, 'keys/ops.pub'), `${KEY2}\n`);
    writeFileSync(join(root, 'scripts/boot.sh'), `${SCRIPT}echo second\n`);
    expect(await apply()).toEqual(['SSHKey/ops#update', 'StartupScript/boot#update']);
    expect(await planIds()).toEqual([]);
    const w = t.sim.admin.dump().vultr;
    expect(w.sshKeys.filter((k) => k.name.includes('[keelson:')).map((k) => k.ssh_key)).toEqual([KEY2]);
    expect(w.startupScripts).toHaveLength(1);
    expect(Buffer.from(w.startupScripts[0]!.script, 'base64').toString('utf8')).toBe(`${SCRIPT}echo second\n`);
  });

  it('a create whose answer is lost is found by its marked name, never made twice', async () => {
    writeFileSync(join(root, 'manifests/ci.yaml'), `${head('SSHKey', 'ci')}  publicKey: ${KEY2.replace('ops@', 'ci@')}\n`);
    const fault = t.sim.admin.addFault({ endpoint: 'POST /v2/ssh-keys', effect: 'reset', nth: 1, after: true });
    expect(await apply()).toEqual(['SSHKey/ci#create']);
    expect(t.sim.admin.faults().find((f) => f.id === fault.id)?.fired).toBe(1);
    expect(t.sim.admin.dump().vultr.sshKeys.filter((k) => k.name.startsWith('ci [keelson:test/ci]'))).toHaveLength(1);
    expect(await planIds()).toEqual([]);
  });

  it('removing the server and its key deletes the server first, then the key; unmarked keys stay', async () => {
    rmSync(join(root, 'manifests/servers.yaml'));
    rmSync(join(root, 'manifests/keys.yaml'));
    const ids = await apply();
    expect(ids).toEqual(['Server/web#delete', 'SSHKey/ops#delete']);
    expect(await planIds()).toEqual([]);
    const w = t.sim.admin.dump().vultr;
    expect(w.sshKeys.map((k) => k.name).sort()).toEqual(['ci [keelson:test/ci]', 'ops-laptop']);
    expect(t.sim.admin.foreignTouches()).toEqual([]);
  });
});
