/**
 * Record planning at scale: 30,000 live records in one zone. The planner reads each live record a
 * fixed number of times (counted through a proxy), whatever the number of record sets, and the plan
 * is exactly the expected one: the changed, added, removed and colliding sets and nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { LiveRecord } from '../../src/model/live.ts';
import { live, liveRecord, manifests, zone, type RecordInput } from './builders.ts';
import { plan } from './table.ts';

const D = 'example.com';
const N = 30_000;

/** The live records as an array whose element reads are counted. */
function counted(records: LiveRecord[]): { records: LiveRecord[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(records, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { records: proxy, reads: () => reads };
}

/**
 * Desired: N TXT sets t-0 … t-(N-1). Live, owned: the same, except t-0…t-9 hold another value (updates),
 * t-10…t-19 are missing (creates), and x-0…x-9 exist only live (deletes). Unowned: u-0…u-9 hold the very
 * values t-20…t-29 would need (collisions), and 1,000 unrelated records nobody manages.
 */
function world(n = N): { desired: ReturnType<typeof manifests>; records: LiveRecord[] } {
  const want: RecordInput[] = [];
  const records: LiveRecord[] = [];
  for (let i = 0; i < n; i++) {
    want.push({ name: `t-${i}`, type: 'TXT', values: [`value ${i}`] });
    if (i >= 10 && i < 20) continue;
    records.push(liveRecord(D, `t-${i}.${D}`, 'TXT', i < 10 ? `old ${i}` : `value ${i}`));
  }
  for (let i = 0; i < 10; i++) records.push(liveRecord(D, `x-${i}.${D}`, 'TXT', `gone ${i}`));
  for (let i = 20; i < 30; i++) records.push(liveRecord(D, `t-${i}.${D}`, 'TXT', `value ${i}`, { owner: null }));
  for (let i = 0; i < 1000; i++) records.push(liveRecord(D, `other-${i}.${D}`, 'A', `198.51.100.${(i % 250) + 1}`, { owner: 'someone-else' }));
  return { desired: manifests({ zones: [zone('example-com', D, want)] }), records };
}

describe('record planning at scale', () => {
  it('reads each of 30,000 live records a fixed number of times and plans exactly the differences', () => {
    const { desired, records } = world();
    const c = counted(records);
    const p = plan(desired, live({ records: c.records }));
    // The planner's passes (records, last-address guards, fingerprints, counts) read each record a few
    // times; a scan per record set, as before, would read it once per set: 30,000 times.
    expect(c.reads()).toBeLessThanOrEqual(4 * records.length);
    const ids = (action: string): string[] => p.changes.filter((x) => x.action === action).map((x) => x.id).sort();
    const range = (from: number, to: number, f: (i: number) => string): string[] => Array.from({ length: to - from }, (_, k) => f(from + k)).sort();
    expect(ids('update')).toEqual(range(0, 10, (i) => `DNSRecord/t-${i}.${D} TXT old ${i}#update`));
    expect(ids('create')).toEqual(range(10, 20, (i) => `DNSRecord/t-${i}.${D} TXT value ${i}#create`));
    expect(ids('delete')).toEqual(range(0, 10, (i) => `DNSRecord/x-${i}.${D} TXT gone ${i}#delete`));
    expect(p.changes).toHaveLength(30);
    expect(p.problems.map((x) => x.message).sort()).toEqual(range(20, 30, (i) => `t-${i}.${D} TXT value ${i} already exists in the zone without acme's marker; adopt it or remove it first`));
    expect(p.unmanaged.filter((u) => u.kind === 'DNSRecord')).toHaveLength(1010);
  });

  it('plans the same whatever order the provider lists the records in', () => {
    const { desired, records } = world(3000);
    const forward = plan(desired, live({ records }));
    const backward = plan(desired, live({ records: [...records].reverse() }));
    expect(backward.changes).toEqual(forward.changes);
    expect(backward.unmanaged).toEqual(forward.unmanaged);
  });
});
