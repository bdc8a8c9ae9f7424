import { describe, expect, it } from 'vitest';
import { carriedBytes, flippedAt, hooksDone, monthOf, rebuildOpId, withCarried, withFlipped, withHookDone, workflowTags } from '../../src/model/workflow-marks.ts';
import { targetRegion } from '../../src/workflows/target-region.ts';
import { renderHookCommand, hookEvent } from '../../src/workflows/hooks.ts';
import { monthBytes } from '../../src/workflows/bandwidth.ts';
import { renderBandwidth } from '../../src/cli/status.ts';
import { nextRuns } from '../../src/cli/schedule.ts';
import { serverFamily } from '../../src/model/server-family.ts';
import type { LiveServer } from '../../src/model/live.ts';
import { serverDoc } from '../helpers/server-doc.ts';

const base = ['keelson:name=vpn', 'keelson:owner=acme'];

describe('workflow marks', () => {
  it('derives the same operation id for the same old server, a different one for another', () => {
    expect(rebuildOpId('acme', 'vpn', 'i-1')).toBe(rebuildOpId('acme', 'vpn', 'i-1'));
    expect(rebuildOpId('acme', 'vpn', 'i-1')).not.toBe(rebuildOpId('acme', 'vpn', 'i-2'));
    expect(rebuildOpId('acme', 'vpn', 'i-1')).toMatch(/^rb-[0-9a-f]{20}$/);
  });

  it('keeps one bandwidth carry-over per server, for its month only, rewritten not added', () => {
    const t = withCarried(base, '2026-11', 5e9);
    expect(t).toContain('keelson:bw=2026-11:5000000000');
    expect(carriedBytes(t, '2026-11')).toBe(5e9);
    expect(carriedBytes(t, '2026-12')).toBe(0);
    const again = withCarried(t, '2026-11', 6e9);
    expect(again.filter((x) => x.startsWith('keelson:bw='))).toEqual(['keelson:bw=2026-11:6000000000']);
    expect(monthOf(Date.parse('2026-11-30T23:59:59Z'))).toBe('2026-11');
  });

  it('records the flip time in seconds and hooks by name; all of them survive a retag', () => {
    const t = withHookDone(withFlipped(base, 1_700_000_000_500), 'billing');
    expect(flippedAt(t)).toBe(1_700_000_000_000);
    expect(hooksDone(t)).toEqual(new Set(['billing']));
    expect(workflowTags([...t, 'keelson:op=x', 'user'])).toEqual(['keelson:flipped=1700000000', 'keelson:hook=billing']);
  });

  it('sums a month of daily traffic', () => {
    expect(monthBytes({ '2026-10-31': { inBytes: 9, outBytes: 9 }, '2026-11-01': { inBytes: 1, outBytes: 2 }, '2026-11-02': { inBytes: 3, outBytes: 0 } }, '2026-11')).toBe(6);
  });
});

describe('rebuild targets and families', () => {
  it('rotates through the regions, wrapping, and honours an override', () => {
    const spec = serverDoc('a', {}, { rotateRegions: true, regions: ['ewr', 'ams', 'fra'] }).spec;
    expect(targetRegion(spec, 'ewr')).toBe('ams');
    expect(targetRegion(spec, 'fra')).toBe('ewr');
    expect(targetRegion(spec, 'sgp')).toBe('ewr');
    expect(targetRegion(spec, 'ewr', 'lhr')).toBe('lhr');
    expect(targetRegion(serverDoc('b', {}, { regions: ['ams'] }).spec, 'ewr')).toBe('ewr');
  });

  it('tells the serving instance from its successor and from strangers', () => {
    const s = (id: string, over: Partial<LiveServer> = {}): LiveServer => ({
      provider: 'vultr', id, label: 'vpn', hostname: 'vpn', region: 'ewr', plan: 'p', osName: 'Snapshot', osId: 164, tags: [], status: 'active',
      power: 'running', install: 'ok', createdAt: `2026-01-0${id.length}T00:00:00Z`, ownership: { owner: 'acme', name: 'vpn' }, ...over,
    });
    const old = s('o');
    const next = s('nn', { ownership: { owner: 'acme', name: 'vpn', successorOf: 'o' } });
    const stranger = s('xxx', { ownership: { owner: 'other', name: 'vpn' } });
    expect(serverFamily([next, stranger, old], 'acme', 'vpn')).toMatchObject({ current: old, successor: next, extra: [] });
    // A successor of a server that is gone is simply the current server.
    expect(serverFamily([next], 'acme', 'vpn')).toMatchObject({ current: next, extra: [] });
    expect(serverFamily([next], 'acme', 'vpn').successor).toBeUndefined();
  });
});

describe('hooks, status and schedule rendering', () => {
  const doc = { ...serverDoc('cust-acme'), metadata: { name: 'cust-acme', labels: { customer: "acme's" }, annotations: {} } };
  const instance = { id: 'i-1', hostname: 'vpn-acme', ipv4: '203.0.113.7', region: 'ams' } as LiveServer;

  it('substitutes shell-quoted values into SSH hook commands', () => {
    expect(renderHookCommand('rm -rf /srv/${label.customer} && echo ${server} ${ip} ${unknown}', { doc, instance, at: '' }))
      .toBe(`rm -rf /srv/'acme'\\''s' && echo cust-acme 203.0.113.7 \${unknown}`);
  });

  it('gives a webhook delivery a stable idempotency key', () => {
    const hook = { name: 'billing', webhook: { url: 'http://127.0.0.1/x', method: 'POST' as const, headers: {}, headersFromEnv: {}, timeout: 1000 } };
    const a = hookEvent(hook, { doc, instance, at: '2026-11-10T00:00:00.000Z' });
    const b = hookEvent(hook, { doc, instance, at: '2026-11-11T00:00:00.000Z' });
    expect(a.details.idempotencyKey).toBe(b.details.idempotencyKey);
    expect(a).toMatchObject({ event: 'server.destroy', resource: 'Server/cust-acme', details: { hook: 'billing', ip: '203.0.113.7' } });
  });

  it('renders bandwidth against the limit, flagging overuse', () => {
    const lines = renderBandwidth([
      { server: 'a', month: '2026-11', instances: ['i'], usedBytes: 2e9, carriedBytes: 9e9, totalBytes: 11e9, limitBytes: 10e9 },
      { server: 'b', month: '2026-11', instances: ['j'], usedBytes: 1e9, carriedBytes: 0, totalBytes: 1e9 },
    ]);
    expect(lines[2]).toMatch(/^a\s+2026-11\s+2\.00\s+9\.00\s+11\.00\s+10\.00\s+110\.0% OVER$/);
    expect(lines[3]).toMatch(/^b .* - +-$/);
  });

  it('lists the next runs of every scheduled server, earliest first', () => {
    const docs = [serverDoc('b', {}, { schedule: '0 3 * * *', timezone: 'Europe/Berlin' }), serverDoc('a', {}, { schedule: '30 2 * * *' }), serverDoc('c')];
    const runs = nextRuns(docs, Date.parse('2026-11-10T00:00:00Z'), 2);
    expect(runs.map((r) => `${r.server} ${r.startAt}`)).toEqual([
      'b 2026-11-10T02:00:00.000Z', 'a 2026-11-10T02:30:00.000Z', 'b 2026-11-11T02:00:00.000Z', 'a 2026-11-11T02:30:00.000Z',
    ]);
    expect(runs[0]!.local).toBe('2026-11-10 03:00');
  });
});
