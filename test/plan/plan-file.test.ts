import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertFresh, checkStaleness, PlanFileError, readPlanFile, writePlanFile } from '../../src/plan/plan-file.ts';
import { live, liveRecord, liveServer, manifests, server, zone } from './builders.ts';
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

  it('a changed, a gone and a new object are named', () => {
    const fresh = live({ servers: [liveServer(web, { ipv4: '192.0.2.99' }), liveServer(server('other'), { id: 'srv-other', owner: null })], records: [] });
    expect(checkStaleness(p, fresh)).toEqual([
      { id: 'DNSRecord:zone-example.com/r-www', name: 'DNSRecord www.example.com A 192.0.2.1', what: 'gone' },
      { id: 'Server:srv-other', name: 'Server other', what: 'appeared' },
      { id: 'Server:srv-web', name: 'Server web', what: 'changed' },
    ]);
    expect(() => assertFresh(p, fresh)).toThrow(/stale: 3 live object\(s\) moved.*Server web \[Server:srv-web\] changed/);
  });
});
