import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveState } from '../../src/model/live.ts';
import type { Manifests } from '../../src/model/types.ts';
import { planChanges } from '../../src/plan/plan.ts';
import { applyModel } from './apply-model.ts';
import { live, liveRecord, liveServer, manifests, OWNER, server, zone, type RecordInput } from './builders.ts';

const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];

const serverArb = (name: string) => fc.record({
  region: fc.constantFrom('ewr', 'ams', 'fra'),
  plan: fc.constantFrom('vc2-1c-1gb', 'vc2-2c-4gb'),
  os: fc.constantFrom('Ubuntu 24.04 LTS x64', 'debian 12 x64 (bookworm)'),
  tags: fc.subarray(['blue', 'green', 'prod']),
  sshKeys: fc.subarray(['deploy', 'ops'], { minLength: 1 }),
  userData: fc.option(fc.constantFrom('#cloud-config\n', '#!/bin/sh\necho hi\n'), { nil: undefined }),
  enableIpv6: fc.boolean(),
  hostname: fc.option(fc.constantFrom(`${name}-host`, name.toUpperCase()), { nil: undefined }),
  role: fc.constantFrom('web', 'db'),
}).map((s) => server(name, {
  region: s.region, plan: s.plan, image: { os: s.os }, tags: s.tags, sshKeys: s.sshKeys, userData: s.userData,
  enableIpv6: s.enableIpv6, hostname: s.hostname, labels: { role: s.role },
}));

const ttl = fc.constantFrom<'auto' | number>('auto', 300, 3600);
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `198.51.${a}.${b}`);

const desiredArb = fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 4 }).chain((names) =>
  fc.tuple(fc.tuple(...names.map(serverArb)), fc.record({
    www: names.length ? fc.option(fc.record({ servers: fc.subarray(names, { minLength: 1 }), ttl, proxied: fc.boolean() }), { nil: undefined }) : fc.constant(undefined),
    wwwV6: names.length ? fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined),
    byRole: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
    api: fc.option(fc.uniqueArray(ipv4, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    txt: fc.option(fc.constantFrom('v=spf1 -all', 'hello world'), { nil: undefined }),
    mx: fc.option(fc.constantFrom('10 MX1.example.net.', 'mx2.example.net'), { nil: undefined }),
    cname: fc.option(fc.constantFrom('Pages.Example.NET.', 'docs.example.org'), { nil: undefined }),
    comment: fc.option(fc.constantFrom('front door', 'x'.repeat(60)), { nil: undefined }),
  })).map(([servers, r]): Manifests => {
    const docs = servers.map((s) => r.wwwV6?.includes(s.metadata.name) ? server(s.metadata.name, { ...s.spec, labels: s.metadata.labels, enableIpv6: true }) : s);
    const records: RecordInput[] = [];
    if (r.www) records.push({ name: 'www', servers: r.www.servers, ttl: r.www.ttl, proxied: r.www.proxied, comment: r.comment });
    if (r.wwwV6) records.push({ name: 'www', type: 'AAAA', servers: r.wwwV6 });
    if (r.byRole) records.push({ name: 'role', serverSelector: { matchLabels: { role: r.byRole } } });
    if (r.api) records.push({ name: 'API.example.com.', values: r.api, ttl: 300 });
    if (r.txt) records.push({ name: '@', type: 'TXT', values: [r.txt] });
    if (r.mx) records.push({ name: '@', type: 'MX', values: [r.mx] });
    if (r.cname) records.push({ name: 'docs', type: 'CNAME', values: [r.cname] });
    return manifests({ servers: docs, zones: [zone('example-com', 'example.com', records)] });
  }),
);

/** Resources someone else owns: they must never appear in a change. */
function withStrangers(l: LiveState): LiveState {
  const stranger = liveServer(server('stranger'), { id: 'srv-stranger', owner: null, ipv4: '203.0.113.1' });
  const rival = liveServer(server('alpha'), { id: 'srv-rival', owner: 'rival', ipv4: '203.0.113.2' });
  return {
    ...l, servers: [...l.servers, stranger, rival],
    records: [...l.records, liveRecord('example.com', 'manual.example.com', 'A', '203.0.113.1', { owner: null, id: 'r-manual' }),
      liveRecord('example.com', 'www.example.com', 'A', '203.0.113.2', { owner: 'rival', id: 'r-rival' })],
  };
}

const plan = (d: Manifests, l: LiveState) => planChanges(d, l, { owner: OWNER });
const STRANGERS = new Set(['srv-stranger', 'srv-rival', 'r-manual', 'r-rival']);

function touchedIds(p: ReturnType<typeof plan>): string[] {
  return p.changes.flatMap((c) => {
    const q = c.payload;
    if (q.op === 'server.delete') return [q.server.id];
    if (q.op === 'server.update') return [q.serverId];
    if (q.op === 'server.replace') return [q.old.id];
    if (q.op === 'record.update') return [q.recordId];
    if (q.op === 'record.delete') return [q.record.id];
    return [];
  });
}

describe('planChanges properties', () => {
  it('apply then plan is empty; inputs are never mutated; strangers are never touched', () => {
    fc.assert(fc.property(desiredArb, desiredArb, (first, second) => {
      const start = withStrangers(applyModel(live(), plan(first, withStrangers(live())), 1));
      const desiredCopy = structuredClone(second);
      const startCopy = structuredClone(start);
      const p = plan(second, start);
      expect(second).toEqual(desiredCopy);
      expect(start).toEqual(startCopy);
      expect(p.problems).toEqual([]);
      expect(touchedIds(p).filter((id) => STRANGERS.has(id))).toEqual([]);
      const after = applyModel(start, p, 2);
      const again = plan(second, after);
      expect(again.changes.map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    }), { numRuns: 150 });
  });

  it('planning is deterministic: equal inputs give equal checksums', () => {
    fc.assert(fc.property(desiredArb, (d) => {
      const l = withStrangers(live());
      expect(plan(d, l).checksum).toBe(plan(structuredClone(d), structuredClone(l)).checksum);
    }), { numRuns: 50 });
  });
});
