import { describe, expect, it } from 'vitest';
import { live, liveServer, manifests, server, OWNER } from './builders.ts';
import { change, runCase, type Case } from './table.ts';

const web = server('web-ewr', { line: 7 });

const cases: Case[] = [
  { name: 'nothing desired, nothing live', desired: manifests(), live: live(), expect: [] },
  {
    name: 'a new server is created', desired: manifests({ servers: [web] }), live: live(), expect: ['Server/web-ewr#create'],
    check: (p) => {
      const c = change(p, 'Server/web-ewr#create');
      expect(c.source).toBe('manifests/servers.yaml:7');
      expect(c.payload.op).toBe('server.create');
      if (c.payload.op !== 'server.create') return;
      const r = c.payload.request;
      expect(r.image).toEqual({ os: 'Ubuntu 24.04 LTS x64', osId: 2284 });
      expect(r.sshKeys).toEqual([{ name: 'deploy', id: 'key-1' }]);
      expect(r.tags).toEqual(expect.arrayContaining([`keelson:owner=${OWNER}`, 'keelson:name=web-ewr', `keelson:op=${r.op}`, `keelson:spec=${r.createHash}`]));
      expect(r.hostname).toBe('web-ewr');
    },
  },
  { name: 'a matching live server means no change', desired: manifests({ servers: [web] }), live: live({ servers: [liveServer(web)] }), expect: [] },
  {
    name: 'OS named differently in case matches by catalog id',
    desired: manifests({ servers: [server('web-ewr', { image: { os: 'ubuntu 24.04 lts X64' } })] }), live: live({ servers: [liveServer(web)] }), expect: [],
  },
  {
    name: 'tag order and duplicates do not diff',
    desired: manifests({ servers: [server('web-ewr', { tags: ['b', 'a'] })] }),
    live: live({ servers: [liveServer(server('web-ewr', { tags: ['a', 'b'] }))] }), expect: [],
  },
  {
    name: 'hostname case does not diff', desired: manifests({ servers: [server('web-ewr', { hostname: 'Web-EWR' })] }),
    live: live({ servers: [liveServer(web, { hostname: 'web-ewr' })] }), expect: [],
  },
  {
    name: 'a plan change is an in-place resize', desired: manifests({ servers: [server('web-ewr', { plan: 'vc2-2c-4gb' })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#update'],
    check: (p) => {
      const c = change(p, 'Server/web-ewr#update');
      expect(c.payload).toMatchObject({ op: 'server.update', serverId: 'srv-web-ewr', patch: { plan: 'vc2-2c-4gb' } });
      expect(c.reason).toMatch(/resize vc2-1c-1gb → vc2-2c-4gb in place/);
    },
  },
  {
    name: 'a user tag change is an update carrying the full tag set', desired: manifests({ servers: [server('web-ewr', { tags: ['prod'] })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#update'],
    check: (p) => {
      const c = change(p, 'Server/web-ewr#update');
      if (c.payload.op !== 'server.update') throw new Error('wrong payload');
      expect(c.payload.patch.tags).toEqual(expect.arrayContaining(['prod', `keelson:owner=${OWNER}`, 'keelson:name=web-ewr']));
    },
  },
  {
    name: 'a label changed by hand is put back', desired: manifests({ servers: [web] }), live: live({ servers: [liveServer(web, { label: 'renamed' })] }),
    expect: ['Server/web-ewr#update'],
  },
  {
    name: 'a region change is a replace in two phases', desired: manifests({ servers: [server('web-ewr', { region: 'ams' })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
    check: (p) => {
      const c = change(p, 'Server/web-ewr#replace');
      expect(c.fields).toContainEqual({ field: 'region', from: 'ewr', to: 'ams', forcesReplace: true });
      expect(c.reason).toMatch(/region ewr → ams/);
      if (c.payload.op !== 'server.replace') throw new Error('wrong payload');
      expect(c.payload.request.ownership.successorOf).toBe('srv-web-ewr');
      expect(c.payload.request.tags).toContain('keelson:successor-of=srv-web-ewr');
      expect(change(p, 'Server/web-ewr#replace-destroy').dependsOn).toEqual(['Server/web-ewr#replace']);
      expect(p.counts).toMatchObject({ replace: 1, delete: 0 });
    },
  },
  {
    name: 'a hostname change is a replace and says it reinstalls', desired: manifests({ servers: [server('web-ewr', { hostname: 'web1' })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
    check: (p) => expect(change(p, 'Server/web-ewr#replace').reason).toMatch(/hostname change reinstalls/),
  },
  {
    name: 'an OS change is a replace', desired: manifests({ servers: [server('web-ewr', { image: { os: 'Debian 12 x64 (bookworm)' } })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
  },
  {
    name: 'changed user data (not reported back) is a replace through the create hash',
    desired: manifests({ servers: [server('web-ewr', { userData: '#cloud-config\npassword: hunter2' })] }), live: live({ servers: [liveServer(web)] }),
    expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
    check: (p) => {
      const c = change(p, 'Server/web-ewr#replace');
      expect(c.fields.find((f) => f.field === 'createHash')?.forcesReplace).toBe(true);
      expect(JSON.stringify(c.fields)).not.toContain('hunter2');
    },
  },
  {
    name: 'changed ssh keys are a replace', desired: manifests({ servers: [server('web-ewr', { sshKeys: ['deploy', 'ops'] })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
  },
  {
    name: 'ssh key order does not change the create hash', desired: manifests({ servers: [server('web-ewr', { sshKeys: ['ops', 'deploy'] })] }),
    live: live({ servers: [liveServer(server('web-ewr', { sshKeys: ['deploy', 'ops'] }))] }), expect: [],
  },
  {
    name: 'a live server without a spec tag is not replaced, with a warning', desired: manifests({ servers: [web] }),
    live: live({ servers: [{ ...liveServer(web), createHash: undefined, tags: [`keelson:owner=${OWNER}`, 'keelson:name=web-ewr'] }] }), expect: [],
    check: (p) => expect(p.warnings.join()).toMatch(/no keelson:spec tag/),
  },
  {
    name: 'an owned server no longer declared is deleted', desired: manifests(), live: live({ servers: [liveServer(web)] }),
    expect: ['Server/web-ewr#delete'], check: (p) => expect(change(p, 'Server/web-ewr#delete').reason).toMatch(/no longer in the manifests/),
  },
  {
    name: 'an unowned server is reported, never changed', desired: manifests(), live: live({ servers: [liveServer(web, { owner: null })] }), expect: [],
    check: (p) => expect(p.unmanaged.filter((u) => u.kind === 'Server')).toEqual([{ kind: 'Server', id: 'srv-web-ewr', name: 'web-ewr', reason: 'no keelson marker' }]),
  },
  {
    name: 'a server owned by someone else is reported, and a same-named desired one is created',
    desired: manifests({ servers: [web] }), live: live({ servers: [liveServer(web, { owner: 'other' })] }), expect: ['Server/web-ewr#create'],
    check: (p) => expect(p.unmanaged[0]?.reason).toBe('owned by other'),
  },
  {
    // The rebuild workflow finishes it (apply runs it before planning): install, DNS, drain, bandwidth, then the delete.
    name: 'an interrupted replace is left to the rebuild workflow: no delete of either server, shown as in progress',
    desired: manifests({ servers: [server('web-ewr', { region: 'ams' })] }),
    live: live({ servers: [liveServer(web), liveServer(server('web-ewr', { region: 'ams' }), { id: 'srv-new', successorOf: 'srv-web-ewr', createdAt: '2025-02-01T00:00:00Z' })] }),
    expect: [],
    check: (p) => expect(p.inProgress).toEqual([{ kind: 'Server', name: 'web-ewr', workflow: 'rebuild', from: 'srv-web-ewr', to: 'srv-new' }]),
  },
  {
    name: 'a duplicate server (a create retried without its op) is deleted, the oldest kept',
    desired: manifests({ servers: [web] }),
    live: live({ servers: [liveServer(web), liveServer(web, { id: 'srv-dup', createdAt: '2025-03-01T00:00:00Z' })] }),
    expect: ['Server/web-ewr#delete'], check: (p) => expect(change(p, 'Server/web-ewr#delete').payload).toMatchObject({ server: { id: 'srv-dup' } }),
  },
  {
    name: 'a protected server marked for replace carries the protected flag', desired: manifests({ servers: [server('web-ewr', { region: 'ams', protect: true })] }),
    live: live({ servers: [liveServer(server('web-ewr', { protect: true }))] }), expect: ['Server/web-ewr#replace', 'Server/web-ewr#replace-destroy'],
    check: (p) => expect(change(p, 'Server/web-ewr#replace').protected).toBe(true),
  },
  {
    name: 'a protect tag survives the manifest: deleting it is flagged', desired: manifests(),
    live: live({ servers: [liveServer(server('web-ewr', { protect: true }))] }), expect: ['Server/web-ewr#delete'],
    check: (p) => expect(change(p, 'Server/web-ewr#delete').protected).toBe(true),
  },
  {
    name: 'turning protect on is a tag update', desired: manifests({ servers: [server('web-ewr', { protect: true })] }),
    live: live({ servers: [liveServer(web)] }), expect: ['Server/web-ewr#update'],
    check: (p) => expect(change(p, 'Server/web-ewr#update').payload).toMatchObject({ patch: { tags: expect.arrayContaining(['keelson:protect=true']) } }),
  },
];

describe('planChanges: servers', () => {
  for (const c of cases) it(c.name, () => runCase(c));
});
