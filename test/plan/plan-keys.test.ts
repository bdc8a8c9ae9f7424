import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/plan/render-json.ts';
import { renderPlanText } from '../../src/plan/render-text.ts';
import { checkPlan } from '../../src/plan/safety.ts';
import { planChanges } from '../../src/plan/plan.ts';
import { live, liveScript, liveServer, liveSshKey, manifests, server, sshKey, startupScript, withKeys, OWNER } from './builders.ts';
import { before, change, plan, runCase, type Case } from './table.ts';

const ops = sshKey('ops');
const boot = startupScript('bootstrap');
const web = server('web-ewr', { sshKeys: ['ops'], startupScript: 'bootstrap' });

const cases: Case[] = [
  {
    name: 'a declared key and script are created before the server that names them',
    desired: manifests({ servers: [web], sshKeys: [ops], scripts: [boot] }), live: live(),
    expect: ['SSHKey/ops#create', 'StartupScript/bootstrap#create', 'Server/web-ewr#create'],
    check: (p) => {
      const k = change(p, 'SSHKey/ops#create');
      expect(k.payload).toEqual({ op: 'sshkey.create', request: { name: 'ops', providerName: `ops [keelson:${OWNER}/ops]`, publicKey: ops.spec.publicKey } });
      const s = change(p, 'Server/web-ewr#create');
      expect(s.dependsOn).toEqual(['SSHKey/ops#create', 'StartupScript/bootstrap#create']);
      if (s.payload.op !== 'server.create') throw new Error('not a create');
      // Declared: found by marker, never by the hand-uploaded "ops" (key-2) of the same name.
      expect(s.payload.request.sshKeys).toEqual([{ name: 'ops', managed: true }]);
      expect(s.payload.request.startupScript).toEqual({ name: 'bootstrap', managed: true });
      const script = change(p, 'StartupScript/bootstrap#create');
      expect(script.fields.find((f) => f.field === 'script')).toMatchObject({ sensitive: true, to: expect.stringMatching(/^sha256:/) });
    },
  },
  {
    name: 'matching live key and script: nothing to do, and the server resolves them by id',
    desired: manifests({ servers: [web], sshKeys: [ops], scripts: [boot] }),
    live: withKeys(live(), { sshKeys: [liveSshKey(ops)], scripts: [liveScript(boot)] }),
    expect: ['Server/web-ewr#create'],
    check: (p) => {
      const s = change(p, 'Server/web-ewr#create');
      expect(s.dependsOn).toEqual([]);
      if (s.payload.op !== 'server.create') throw new Error('not a create');
      expect(s.payload.request.sshKeys).toEqual([{ name: 'ops', managed: true, id: 'key-ops' }]);
      expect(s.payload.request.startupScript).toEqual({ name: 'bootstrap', managed: true, id: 'script-bootstrap' });
    },
  },
  {
    name: 'whitespace in the key text does not diff',
    desired: manifests({ sshKeys: [ops] }), live: withKeys(live(), { sshKeys: [liveSshKey(ops, { publicKey: `  ${ops.spec.publicKey.replace(' ', '   ')}\n` })] }), expect: [],
  },
  {
    name: 'another key text is an update in place',
    desired: manifests({ sshKeys: [sshKey('ops', 'ssh-ed25519 AAAAnew ops@new')] }), live: withKeys(live(), { sshKeys: [liveSshKey(ops)] }),
    expect: ['SSHKey/ops#update'],
    check: (p) => {
      const c = change(p, 'SSHKey/ops#update');
      expect(c.fields).toEqual([{ field: 'publicKey', from: ops.spec.publicKey, to: 'ssh-ed25519 AAAAnew ops@new' }]);
      expect(c.payload).toMatchObject({ op: 'sshkey.update', id: 'key-ops' });
    },
  },
  {
    name: 'another script body, or type, is an update in place',
    desired: manifests({ scripts: [startupScript('bootstrap', '#!/bin/sh\necho changed\n', 'pxe')] }), live: withKeys(live(), { scripts: [liveScript(boot)] }),
    expect: ['StartupScript/bootstrap#update'],
    check: (p) => expect(change(p, 'StartupScript/bootstrap#update').fields.map((f) => f.field)).toEqual(['script', 'type']),
  },
  {
    name: 'an owned key no longer declared is deleted, after the servers this plan deletes',
    desired: manifests({ sshKeys: [sshKey('other')] }),
    live: withKeys(live({ servers: [liveServer(web)] }), { sshKeys: [liveSshKey(ops), liveSshKey(sshKey('other'))], scripts: [liveScript(boot)] }),
    expect: ['Server/web-ewr#delete', 'SSHKey/ops#delete', 'StartupScript/bootstrap#delete'],
    check: (p) => {
      expect(change(p, 'SSHKey/ops#delete').dependsOn).toEqual(['Server/web-ewr#delete']);
      expect(before(p, 'Server/web-ewr#delete', 'SSHKey/ops#delete')).toBe(true);
      expect(change(p, 'SSHKey/ops#delete').payload).toEqual({ op: 'sshkey.delete', id: 'key-ops', providerName: `ops [keelson:${OWNER}/ops]` });
    },
  },
  {
    name: 'an owned key no manifest declares but a server still names is kept, with a warning',
    desired: manifests({ servers: [web], scripts: [boot] }), live: withKeys(live({ servers: [liveServer(web)] }), { sshKeys: [liveSshKey(ops)], scripts: [liveScript(boot)] }),
    expect: [],
    check: (p) => expect(p.warnings).toEqual([`[SSHKey/ops] no SSHKey manifest declares it, but Server/web-ewr still names it: kept`]),
  },
  {
    name: 'hand-uploaded keys keep working by name, and are reported unmanaged, never changed',
    desired: manifests({ servers: [server('web-ewr', { sshKeys: ['deploy', 'ops'] })] }), live: live(), expect: ['Server/web-ewr#create'],
    check: (p) => {
      const s = change(p, 'Server/web-ewr#create');
      if (s.payload.op !== 'server.create') throw new Error('not a create');
      expect(s.payload.request.sshKeys).toEqual([{ name: 'deploy', id: 'key-1' }, { name: 'ops', id: 'key-2' }]);
      expect(p.unmanaged.filter((u) => u.kind === 'SSHKey')).toEqual([
        { kind: 'SSHKey', id: 'key-1', name: 'deploy', reason: 'no keelson marker' },
        { kind: 'SSHKey', id: 'key-2', name: 'ops', reason: 'no keelson marker' },
      ]);
    },
  },
  {
    name: 'duplicates of a declared key: the lowest id is kept, the others deleted',
    desired: manifests({ sshKeys: [ops] }), live: withKeys(live(), { sshKeys: [liveSshKey(ops, { id: 'k-a' }), liveSshKey(ops, { id: 'k-b' })] }),
    expect: ['SSHKey/ops#delete'],
    check: (p) => expect(change(p, 'SSHKey/ops#delete').reason).toBe('k-b is a duplicate of k-a'),
  },
];

describe('planChanges: ssh keys and startup scripts', () => {
  for (const c of cases) it(c.name, () => runCase(c));

  it('a key marked by another owner is theirs: reported, and not a match for the name', () => {
    const theirs = liveSshKey(sshKey('admin'), { id: 'k-theirs', owner: 'other' });
    const p = plan(manifests({ servers: [server('web-ewr', { sshKeys: ['admin'] })] }), withKeys(live(), { sshKeys: [theirs] }));
    expect(p.unmanaged).toContainEqual({ kind: 'SSHKey', id: 'k-theirs', name: 'admin [keelson:other/admin]', reason: 'owned by other' });
    expect(p.problems.map((x) => x.message)).toEqual(['ssh key "admin" is neither declared in the manifests (kind SSHKey) nor uploaded to the provider']);
    expect(p.changes.some((c) => c.kind === 'SSHKey')).toBe(false);
  });

  it('plans never show a startup script body, only its digest', () => {
    const secret = startupScript('boot', '#!/bin/sh\necho TOKEN-canary-123\n');
    const p = plan(manifests({ scripts: [secret] }), withKeys(live(), { scripts: [liveScript(startupScript('boot'))] }));
    expect(p.changes.map((c) => c.id)).toEqual(['StartupScript/boot#update']);
    expect(renderPlanJson(p)).not.toContain('TOKEN-canary-123');
    expect(renderPlanText(p, { color: false })).not.toContain('TOKEN-canary-123');
  });

  it('an unknown startup script is a problem naming the field', () => {
    const p = plan(manifests({ servers: [server('web-ewr', { startupScript: 'nope' })] }), live());
    expect(p.problems).toMatchObject([{ path: '/spec/startupScript', message: 'startup script "nope" is neither declared in the manifests (kind StartupScript) nor found at the provider' }]);
  });

  it('applying the plan to the live state leaves nothing to do (second plan empty)', () => {
    const desired = manifests({ sshKeys: [ops, sshKey('ci')], scripts: [boot] });
    const after = withKeys(live(), { sshKeys: [liveSshKey(ops), liveSshKey(sshKey('ci'))], scripts: [liveScript(boot)] });
    expect(plan(desired, after).changes).toEqual([]);
  });

  it('safety counts keys: deleting every owned key when none is declared is refused', () => {
    const keys = ['a', 'b', 'c'].map((n) => liveSshKey(sshKey(n)));
    const p = planChanges(manifests(), withKeys(live(), { sshKeys: keys }), { owner: OWNER });
    expect(p.counts.byKind.SSHKey.delete).toBe(3);
    expect(p.stats.SSHKey).toEqual({ liveOwned: 3, desired: 0 });
    const v = checkPlan(p);
    expect(v.ok).toBe(false);
    expect(v.refusals.map((r) => r.rule)).toContain('empty-desired');
  });

  it('safety thresholds count keys: deleting most of many owned keys is refused', () => {
    const names = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const keys = names.map((n) => liveSshKey(sshKey(n)));
    const p = planChanges(manifests({ sshKeys: [sshKey('k0')] }), withKeys(live(), { sshKeys: keys }), { owner: OWNER });
    expect(checkPlan(p).refusals.map((r) => r.message)).toContain('would delete 9 of 10 SSHKey (90% > 30%)');
  });
});
