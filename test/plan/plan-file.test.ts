import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertFresh, checkStaleness, PlanFileError, readPlanFile, writePlanFile } from '../../src/plan/plan-file.ts';
import type { LiveState } from '../../src/model/live.ts';
import { live, liveRecord, liveServer, liveSnapshot, liveZone, manifests, server, zone } from './builders.ts';
import { samplePlan } from './sample-plan.ts';
import { plan } from './table.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'keelson-plan-'));

describe('plan files', () => {
  it('round-trip: what is read equals what was written, checksum verified', () => {
    const p = samplePlan();
    const file = join(dir(), 'plan.json');
    writePlanFile(file, p);
    expect(readPlanFile(file)).toEqual(JSON.parse(JSON.stringify(p)));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes atomically: no temp file is left behind, an existing file is replaced whole', () => {
    const d = dir();
    const file = join(d, 'plan.json');
    writeFileSync(file, 'old');
    writePlanFile(file, samplePlan());
    expect(readdirSync(d)).toEqual(['plan.json']);
    expect(readPlanFile(file).formatVersion).toBe(1);
  });

  it('a tampered file is refused, naming both checksums', () => {
    const file = join(dir(), 'plan.json');
    writePlanFile(file, samplePlan());
    const text = readFileSync(file, 'utf8').replace('"vc2-2c-4gb"', '"vhp-8c"');
    writeFileSync(file, text);
    expect(() => readPlanFile(file)).toThrow(PlanFileError);
    expect(() => readPlanFile(file)).toThrow(/checksum mismatch: the file says [0-9a-f]{12}, its content hashes to [0-9a-f]{12}/);
  });

  it('another format version and garbage are refused', () => {
    const d = dir();
    writeFileSync(join(d, 'v2.json'), JSON.stringify({ ...samplePlan(), formatVersion: 2 }));
    expect(() => readPlanFile(join(d, 'v2.json'))).toThrow(/unsupported plan format version 2/);
    writeFileSync(join(d, 'bad.json'), '{');
    expect(() => readPlanFile(join(d, 'bad.json'))).toThrow(/cannot read the saved plan/);
  });

  it('changing createdAt does not break the checksum', () => {
    const file = join(dir(), 'plan.json');
    writePlanFile(file, { ...samplePlan(), createdAt: '2031-01-01T00:00:00Z' });
    expect(readPlanFile(file).createdAt).toBe('2031-01-01T00:00:00Z');
  });
});

describe('checkStaleness', () => {
  const web = server('web');
  const desired = manifests({ servers: [web], zones: [zone('example-com', 'example.com', [{ name: 'www', servers: ['web'] }])] });
  const rec = liveRecord('example.com', 'www.example.com', 'A', '192.0.2.1', { id: 'r-www' });
  const before = live({ servers: [liveServer(web)], records: [rec] });
  const p = plan(desired, before);

  it('the same live state is fresh', () => {
    expect(checkStaleness(p, structuredClone(before))).toEqual([]);
    expect(() => assertFresh(p, before)).not.toThrow();
  });

  it('install progress does not make a plan stale', () => {
    expect(checkStaleness(p, { ...before, servers: [{ ...liveServer(web), status: 'pending', install: 'installingbooting' }] })).toEqual([]);
  });

  it('a changed, a gone and a new object of this owner are named', () => {
    const fresh = live({ servers: [liveServer(web, { ipv4: '192.0.2.99' }), liveServer(server('other'), { id: 'srv-other' })], records: [] });
    expect(checkStaleness(p, fresh)).toEqual([
      { id: 'DNSRecord:zone-example.com/r-www', name: 'DNSRecord www.example.com A 192.0.2.1', what: 'gone' },
      { id: 'Server:srv-other', name: 'Server other', what: 'appeared' },
      { id: 'Server:srv-web', name: 'Server web', what: 'changed' },
    ]);
    expect(() => assertFresh(p, fresh)).toThrow(/stale: 3 live object\(s\) moved.*Server web \[Server:srv-web\] changed/);
  });

  const appeared = (fresh: LiveState): string[] => checkStaleness(p, fresh).filter((m) => m.what === 'appeared').map((m) => m.id);
  const unrelated: Record<string, Partial<LiveState>> = {
    'another owner\'s server with the same name': { servers: [liveServer(web, { id: 'srv-theirs', owner: 'globex' })] },
    'an unmarked server': { servers: [liveServer(server('box'), { id: 'srv-box', owner: null })] },
    'another owner\'s snapshot': { snapshots: [liveSnapshot('gold', { owner: 'globex' })] },
    'a zone no manifest names': { zones: [liveZone('example.com'), liveZone('other.org')] },
    'a record in another zone': { zones: [liveZone('example.com'), liveZone('other.org')], records: [liveRecord('other.org', 'www.other.org', 'A', '198.51.100.1', { owner: null })] },
    'an unmarked record at another name of a managed zone': { records: [liveRecord('example.com', 'mail.example.com', 'A', '198.51.100.2', { owner: null })] },
    'an unmarked record of another type at a managed name': { records: [liveRecord('example.com', 'www.example.com', 'TXT', 'hello', { owner: null })] },
  };
  for (const [what, extra] of Object.entries(unrelated)) {
    it(`a new object outside the plan's scope does not make it stale: ${what}`, () => {
      const base = live({ servers: [liveServer(web)], records: [rec] });
      const fresh: LiveState = { ...base, ...extra, servers: [...base.servers, ...(extra.servers ?? [])], records: [...base.records, ...(extra.records ?? [])] };
      expect(checkStaleness(p, fresh)).toEqual([]);
      expect(() => assertFresh(p, fresh)).not.toThrow();
    });
  }

  it('a new object the plan would treat differently makes it stale, named', () => {
    const mine = live({ servers: [liveServer(web)], records: [rec], snapshots: [liveSnapshot('gold')] });
    expect(appeared(mine)).toEqual(['Snapshot:snap-gold']);
    const clash = liveRecord('example.com', 'www.example.com', 'A', '198.51.100.3', { id: 'r-clash', owner: null });
    expect(appeared({ ...before, records: [rec, clash] })).toEqual(['DNSRecord:zone-example.com/r-clash']);
    const v6 = liveRecord('example.com', 'www.example.com', 'AAAA', '2001:db8::1', { id: 'r-v6', owner: 'globex' });
    expect(appeared({ ...before, records: [rec, v6] })).toEqual(['DNSRecord:zone-example.com/r-v6']);
    const owned = liveRecord('example.com', 'api.example.com', 'CNAME', 'www.example.com', { id: 'r-api' });
    expect(appeared({ ...before, records: [rec, owned] })).toEqual(['DNSRecord:zone-example.com/r-api']);
    expect(() => assertFresh(p, { ...before, records: [rec, clash] })).toThrow(/DNSRecord www\.example\.com A 198\.51\.100\.3 \[DNSRecord:zone-example\.com\/r-clash\] appeared/);
  });

  it('a managed zone that appears makes a plan stale (the plan saw it missing)', () => {
    const p2 = plan(desired, live({ zones: [], servers: [liveServer(web)] }));
    expect(checkStaleness(p2, live({ servers: [liveServer(web)] })).map((m) => `${m.id} ${m.what}`)).toEqual(['Zone:zone-example.com appeared']);
  });

  it('a new record pointing at a server the plan deletes is in scope (the plan would warn about it)', () => {
    const gone = liveServer(server('old'), { id: 'srv-old', ipv4: '192.0.2.50' });
    const start = live({ servers: [liveServer(web), gone], records: [rec] });
    const p3 = plan(desired, start);
    expect(p3.changes.map((c) => c.id)).toContain('Server/old#delete');
    const pointer = liveRecord('example.com', 'legacy.example.com', 'A', '192.0.2.50', { id: 'r-legacy', owner: null });
    expect(checkStaleness(p3, { ...start, records: [rec, pointer] }).map((m) => m.id)).toEqual(['DNSRecord:zone-example.com/r-legacy']);
  });

  it('a plan saved without a scope keeps the old rule: every new object counts', () => {
    const { scope: _s, ...old } = p;
    const fresh = { ...before, servers: [liveServer(web), liveServer(server('box'), { id: 'srv-box', owner: 'globex' })] };
    expect(checkStaleness(old, fresh).map((m) => m.id)).toEqual(['Server:srv-box']);
  });

  it('the scope lists managed zones and the record sets declared or changed, address names as A and AAAA', () => {
    expect(p.scope).toEqual({ zones: ['example.com'], records: ['www.example.com A', 'www.example.com AAAA'] });
  });
});
