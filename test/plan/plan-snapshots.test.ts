import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../src/model/live.ts';
import { formatSnapshotDescription } from '../../src/model/ownership.ts';
import { checkPlan } from '../../src/plan/safety.ts';
import { live, liveServer, liveSnapshot, manifests, server, snapshot } from './builders.ts';
import { before, change, plan, runCase, type Case } from './table.ts';

const builder = server('builder');
const vpn = server('vpn-acme', { image: { snapshot: 'golden' } });

const cases: Case[] = [
  {
    name: 'a snapshot of a live server is created with its ownership marker', desired: manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder')] }),
    live: live({ servers: [liveServer(builder)] }), expect: ['Snapshot/golden#create'],
    check: (p) => expect(change(p, 'Snapshot/golden#create').payload).toMatchObject({ request: { instanceId: 'srv-builder', description: expect.stringMatching(/\[keelson:acme\/golden@\w+\]$/) } }),
  },
  {
    name: 'snapshots before the servers created from them', desired: manifests({ servers: [builder, vpn], snapshots: [snapshot('golden', 'builder')] }),
    live: live({ servers: [liveServer(builder)] }), expect: ['Snapshot/golden#create', 'Server/vpn-acme#create'],
    check: (p) => {
      expect(change(p, 'Server/vpn-acme#create').dependsOn).toEqual(['Snapshot/golden#create']);
      expect(change(p, 'Server/vpn-acme#create').payload).toMatchObject({ request: { image: { snapshot: 'golden', waitForComplete: true } } });
    },
  },
  {
    name: 'a snapshot still pending: the server create is planned and waits', desired: manifests({ servers: [builder, vpn], snapshots: [snapshot('golden', 'builder')] }),
    live: live({ servers: [liveServer(builder)], snapshots: [liveSnapshot('golden', { status: 'pending' })] }), expect: ['Server/vpn-acme#create'],
    check: (p) => expect(change(p, 'Server/vpn-acme#create').payload).toMatchObject({ request: { image: { snapshot: 'golden', snapshotId: 'snap-golden', waitForComplete: true } } }),
  },
  {
    name: 'a complete snapshot: the server is created from its id', desired: manifests({ servers: [builder, vpn], snapshots: [snapshot('golden', 'builder')] }),
    live: live({ servers: [liveServer(builder)], snapshots: [liveSnapshot('golden')] }), expect: ['Server/vpn-acme#create'],
    check: (p) => expect(change(p, 'Server/vpn-acme#create').payload).toMatchObject({ request: { image: { snapshotId: 'snap-golden', waitForComplete: false } } }),
  },
  {
    name: 'a new source server first, then its snapshot', desired: manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder')] }), live: live(),
    expect: ['Server/builder#create', 'Snapshot/golden#create'],
    check: (p) => expect(change(p, 'Snapshot/golden#create').dependsOn).toEqual(['Server/builder#create']),
  },
  {
    name: 'a description change is an update in place', desired: manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder', { description: 'v2' })] }),
    live: live({ servers: [liveServer(builder)], snapshots: [liveSnapshot('golden')] }), expect: ['Snapshot/golden#update'],
  },
  {
    name: 'snapshots beyond keep are deleted, oldest first, pending ones never', desired: manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder', { keep: 1 })] }),
    live: live({ servers: [liveServer(builder)], snapshots: [
      liveSnapshot('golden', { id: 's-new', createdAt: '2025-03-01T00:00:00Z' }), liveSnapshot('golden', { id: 's-old', createdAt: '2025-01-01T00:00:00Z' }),
      liveSnapshot('golden', { id: 's-pending', status: 'pending', createdAt: '2024-12-01T00:00:00Z' }),
    ] }),
    expect: ['Snapshot/golden#delete'], check: (p) => expect(change(p, 'Snapshot/golden#delete').payload).toMatchObject({ snapshot: { id: 's-old' } }),
  },
  {
    name: 'an owned snapshot no longer declared is deleted; unowned ones are reported', desired: manifests(),
    live: live({ snapshots: [liveSnapshot('golden'), liveSnapshot('theirs', { owner: null, id: 's-x' })] }), expect: ['Snapshot/golden#delete'],
    check: (p) => expect(p.unmanaged.filter((u) => u.kind === 'Snapshot')).toEqual([{ kind: 'Snapshot', id: 's-x', name: 'theirs', reason: 'no keelson marker' }]),
  },
];

describe('planChanges: snapshots', () => {
  for (const c of cases) it(c.name, () => runCase(c));
});

describe('planChanges: snapshot protect travels in the description marker', () => {
  const protectedSnap = (id: string, createdAt = '2025-01-01T00:00:00Z') =>
    liveSnapshot('golden', { id, createdAt, description: formatSnapshotDescription(undefined, { owner: 'acme', name: 'golden' }, { protect: true }) });

  it('a protected snapshot is created with !protect in its marker', () => {
    const p = plan(manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder', { protect: true })] }), live({ servers: [liveServer(builder)] }));
    expect(change(p, 'Snapshot/golden#create').payload).toMatchObject({ request: { description: expect.stringMatching(/^\[keelson:acme\/golden@\w+!protect\]$/) } });
  });

  it('turning protect on or off updates the marker of every kept snapshot in place, keeping its text and op', () => {
    const on = plan(manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder', { protect: true, keep: 2 })] }), live({ servers: [liveServer(builder)], snapshots: [
      liveSnapshot('golden', { id: 's-new', createdAt: '2025-03-01T00:00:00Z' }),
      liveSnapshot('golden', { id: 's-old', description: 'rebuild [keelson:acme/golden@op-7]' }),
    ] }));
    expect(on.changes.map((c) => c.id)).toEqual(['Snapshot/golden@s-new#update', 'Snapshot/golden@s-old#update']);
    expect(change(on, 'Snapshot/golden@s-new#update').payload).toMatchObject({ snapshotId: 's-new', description: '[keelson:acme/golden!protect]' });
    expect(change(on, 'Snapshot/golden@s-old#update').payload).toMatchObject({ snapshotId: 's-old', description: 'rebuild [keelson:acme/golden@op-7!protect]' });
    expect(change(on, 'Snapshot/golden@s-old#update').fields).toEqual([{ field: 'protect', from: false, to: true }]);
    const off = plan(manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder')] }), live({ servers: [liveServer(builder)], snapshots: [protectedSnap('s-1')] }));
    expect(change(off, 'Snapshot/golden#update').payload).toMatchObject({ description: '[keelson:acme/golden]' });
    const same = plan(manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder', { protect: true })] }), live({ servers: [liveServer(builder)], snapshots: [protectedSnap('s-1')] }));
    expect(same.changes).toEqual([]);
  });

  it('a snapshot whose manifest is gone stays protected by its marker: safety refuses the delete, even forced', () => {
    const p = plan(manifests({ servers: [builder] }), live({ servers: [liveServer(builder)], snapshots: [protectedSnap('s-1')] }));
    expect(change(p, 'Snapshot/golden#delete').protected).toBe(true);
    const v = checkPlan(p, { force: p.checksum });
    expect(v.ok).toBe(false);
    expect(v.refusals.map((r) => r.message)).toEqual([expect.stringMatching(/^Snapshot\/golden is protected: would delete it/)]);
    const unprotected = plan(manifests({ servers: [builder] }), live({ servers: [liveServer(builder)], snapshots: [liveSnapshot('golden')] }));
    expect(change(unprotected, 'Snapshot/golden#delete').protected).toBeUndefined();
  });

  it('a marker-protected snapshot beyond keep is protected too', () => {
    const p = plan(manifests({ servers: [builder], snapshots: [snapshot('golden', 'builder')] }), live({ servers: [liveServer(builder)], snapshots: [
      liveSnapshot('golden', { id: 's-new', createdAt: '2025-03-01T00:00:00Z' }), protectedSnap('s-old'),
    ] }));
    expect(change(p, 'Snapshot/golden#delete')).toMatchObject({ protected: true, payload: { snapshot: { id: 's-old' } } });
  });
});

describe('planChanges: catalog checks', () => {
  it('names the file, line and path of every unknown catalog name', () => {
    const bad = server('web', { region: 'xyz', plan: 'nope', image: { os: 'Windows 95' }, sshKeys: ['missing'], startupScript: 'nope', line: 12 });
    const p = plan(manifests({ servers: [bad] }), live());
    expect(p.problems.map((x) => [x.file, x.line, x.path])).toEqual([
      ['manifests/servers.yaml', 12, '/spec/region'], ['manifests/servers.yaml', 12, '/spec/plan'], ['manifests/servers.yaml', 12, '/spec/image/os'],
      ['manifests/servers.yaml', 12, '/spec/sshKeys/0'], ['manifests/servers.yaml', 12, '/spec/startupScript'],
    ]);
  });

  it('a plan not sold in the region is a problem', () => {
    const p = plan(manifests({ servers: [server('web', { region: 'ams', plan: 'vhp-8c' })] }), live());
    expect(p.problems.map((x) => x.message)).toEqual(['plan "vhp-8c" is not sold in region "ams"']);
  });

  it('a snapshot image that exists nowhere is a problem', () => {
    const p = plan(manifests({ servers: [vpn] }), live());
    expect(p.problems.map((x) => x.path)).toContain('/spec/image/snapshot');
  });
});

describe('planChanges: ordering and purity', () => {
  it('a full plan: snapshot, servers, records, deletes last', () => {
    const old = server('old-box');
    const p = plan(manifests({ servers: [builder, vpn], snapshots: [snapshot('golden', 'builder')] }), live({ servers: [liveServer(builder), liveServer(old, { id: 'srv-old' })] }));
    expect(p.changes.map((c) => c.id)).toEqual(['Snapshot/golden#create', 'Server/vpn-acme#create', 'Server/old-box#delete']);
    expect(before(p, 'Snapshot/golden#create', 'Server/vpn-acme#create')).toBe(true);
  });

  it('same inputs, same plan and checksum; createdAt is not part of the checksum', () => {
    const d = manifests({ servers: [builder] });
    const a = plan(d, live());
    const b = plan(d, { ...live(), observedAt: '2030-01-01T00:00:00Z' });
    expect(b.createdAt).toBe('2030-01-01T00:00:00Z');
    expect(a.checksum).toBe(b.checksum);
    expect(a.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('planChanges: snapshots of a Server removed from the manifests', () => {
  const vpn0 = server('vpn-0');
  const fresh = liveSnapshot('vpn-0', { id: 's-fresh', description: 'rebuild of vpn-0 [keelson:acme/vpn-0@rb-1]' });

  it('the snapshots keelson made for it (marker name = the server) are deleted with it, as keelson destroy does', () => {
    const p = plan(manifests({ servers: [builder] }), live({ servers: [liveServer(builder), liveServer(vpn0)], snapshots: [fresh] }));
    expect(p.changes.map((c) => c.id).sort()).toEqual(['Server/vpn-0#delete', 'Snapshot/vpn-0#delete']);
    expect(change(p, 'Snapshot/vpn-0#delete').payload).toMatchObject({ snapshot: { id: 's-fresh' } });
  });

  it('a snapshot another server still builds from is kept, with a warning', () => {
    const clone = server('clone', { image: { snapshot: 'vpn-0' } });
    const p = plan(manifests({ servers: [builder, clone] }), live({ servers: [liveServer(builder), liveServer(vpn0), liveServer(clone)], snapshots: [fresh] }));
    expect(p.changes.map((c) => c.id)).toEqual(['Server/vpn-0#delete']);
    expect(p.warnings).toContain('[Snapshot/vpn-0] no Snapshot manifest declares it, but Server/clone still builds from it: kept');
    const policy = server('next', { rebuild: { timezone: 'UTC', jitter: 0, rotateRegions: false, regions: [], freshSnapshot: false, installTimeout: 3_600_000, snapshot: 'vpn-0' } });
    const q = plan(manifests({ servers: [builder, policy] }), live({ servers: [liveServer(builder), liveServer(vpn0), liveServer(policy)], snapshots: [fresh] }));
    expect(q.changes.map((c) => c.id)).not.toContain('Snapshot/vpn-0#delete');
  });
});

describe('planChanges: fresh snapshots of a declared Server (taken by its rebuilds)', () => {
  const vpn0 = server('vpn-0');
  const fresh = (over: Partial<LiveSnapshot> = {}) => liveSnapshot('vpn-0', { id: 's-fresh', description: 'rebuild of vpn-0 [keelson:acme/vpn-0@rb-1]', ...over });

  it('one left by a finished rebuild is cleaned up, saying so', () => {
    const p = plan(manifests({ servers: [builder, vpn0] }), live({ servers: [liveServer(builder), liveServer(vpn0)], snapshots: [fresh()] }));
    expect(p.changes.map((c) => c.id)).toEqual(['Snapshot/vpn-0#delete']);
    expect(change(p, 'Snapshot/vpn-0#delete').reason).toBe('s-fresh was taken by a finished rebuild of Server/vpn-0');
  });

  it('is kept while it is pending or while the server has a rebuild in progress', () => {
    const pending = plan(manifests({ servers: [builder, vpn0] }), live({ servers: [liveServer(builder), liveServer(vpn0)], snapshots: [fresh({ status: 'pending' })] }));
    expect(pending.changes).toEqual([]);
    const successor = liveServer(vpn0, { id: 'srv-vpn-0-new', successorOf: 'srv-vpn-0' });
    const rebuilding = plan(manifests({ servers: [builder, vpn0] }), live({ servers: [liveServer(builder), liveServer(vpn0), successor], snapshots: [fresh()] }));
    expect(rebuilding.changes.map((c) => c.id)).not.toContain('Snapshot/vpn-0#delete');
  });
});
