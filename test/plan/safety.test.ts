import { describe, expect, it } from 'vitest';
import { UnsafePlanError } from '../../src/errors.ts';
import { assertPlanSafe, checkPlan } from '../../src/plan/safety.ts';
import { live, liveRecord, liveServer, manifests, server, zone } from './builders.ts';
import { plan } from './table.ts';

const fleet = (n: number) => Array.from({ length: n }, (_, i) => server(`web-${i}`));

describe('checkPlan', () => {
  it('an empty desired record set against owned records is refused too', () => {
    const p = plan(manifests({ zones: [zone('example-com', 'example.com', [])] }), live({ records: [liveRecord('example.com', 'www.example.com', 'A', '192.0.2.1')] }));
    expect(checkPlan(p).refusals.map((r) => r.rule)).toEqual(['empty-desired', 'last-address']);
  });

  it('a small plan passes', () => {
    expect(checkPlan(plan(manifests({ servers: [server('web')] }), live()))).toEqual({ ok: true, refusals: [], overridden: [] });
  });

  it('refuses deleting more than 30% of 10 servers, naming the numbers', () => {
    const all = fleet(10);
    const p = plan(manifests({ servers: all.slice(4) }), live({ servers: all.map((d) => liveServer(d, { id: `srv-${d.metadata.name}` })) }));
    const v = checkPlan(p);
    expect(v.ok).toBe(false);
    expect(v.refusals.map((r) => r.message)).toEqual(['would delete 4 of 10 Server (40% > 30%)']);
  });

  it('below minCountForPercent there is no threshold', () => {
    const all = fleet(9);
    const p = plan(manifests({ servers: all.slice(5) }), live({ servers: all.map((d) => liveServer(d, { id: `srv-${d.metadata.name}` })) }));
    expect(checkPlan(p).ok).toBe(true);
  });

  it('thresholds come from the plan options', () => {
    const all = fleet(10);
    const p = planWith(all);
    expect(checkPlan(p).refusals.map((r) => r.message)).toEqual(['would update 10 of 10 Server (100% > 50%)']);
    function planWith(docs: ReturnType<typeof fleet>) {
      return { ...plan(manifests({ servers: docs.map((d) => server(d.metadata.name, { tags: ['x'] })) }), live({ servers: docs.map((d) => liveServer(d, { id: `srv-${d.metadata.name}` })) })), safety: { maxChangePercent: 50, minCountForPercent: 10 } };
    }
  });

  it('refuses an empty desired set against owned servers; force with the checksum overrides', () => {
    const p = plan(manifests(), live({ servers: [liveServer(server('web'))] }));
    const v = checkPlan(p);
    expect(v.refusals.map((r) => r.rule)).toEqual(['empty-desired']);
    expect(v.refusals[0]!.message).toBe('the manifests declare no Server but 1 owned Server exist: would delete 1 of 1');
    const forced = checkPlan(p, { force: p.checksum.slice(0, 12) });
    expect(forced.ok).toBe(true);
    expect(forced.overridden.map((r) => r.rule)).toEqual(['empty-desired']);
  });

  it('a force given for another plan does not carry over', () => {
    const p = plan(manifests(), live({ servers: [liveServer(server('web'))] }));
    const v = checkPlan(p, { force: 'aaaaaaaaaaaaaaaa' });
    expect(v.ok).toBe(false);
    expect(v.refusals.map((r) => r.rule)).toEqual(['empty-desired', 'force-mismatch']);
  });

  it('protected servers are never replaced, even forced', () => {
    const p = plan(manifests({ servers: [server('db', { protect: true, region: 'ams' })] }), live({ servers: [liveServer(server('db', { protect: true }))] }));
    const v = checkPlan(p, { force: p.checksum });
    expect(v.refusals.map((r) => r.message)).toEqual([expect.stringMatching(/^Server\/db is protected: would replace it/)]);
  });

  it('the last A record of a name: removed from the manifests is forceable, emptied is not', () => {
    const rec = liveRecord('example.com', 'www.example.com', 'A', '192.0.2.1');
    const keep = liveRecord('example.com', 'api.example.com', 'A', '192.0.2.9');
    const api = { name: 'api', values: ['192.0.2.9'] };
    const removed = plan(manifests({ zones: [zone('example-com', 'example.com', [api])] }), live({ records: [rec, keep] }));
    expect(checkPlan(removed).refusals.map((r) => r.rule)).toEqual(['last-address']);
    expect(checkPlan(removed, { force: removed.checksum }).ok).toBe(true);
    const emptied = plan(manifests({ zones: [zone('example-com', 'example.com', [api, { name: 'www', serverSelector: { matchLabels: { x: 'y' } } }])] }), live({ records: [rec, keep] }));
    expect(checkPlan(emptied, { force: emptied.checksum }).refusals.map((r) => r.rule)).toEqual(['last-address']);
  });

  it('another A record left at the name (even unowned) means no guard', () => {
    const p = plan(manifests({ zones: [zone('example-com', 'example.com', [{ name: 'api', values: ['192.0.2.9'] }])] }), live({ records: [
      liveRecord('example.com', 'www.example.com', 'A', '192.0.2.1'), liveRecord('example.com', 'www.example.com', 'A', '192.0.2.2', { owner: null }),
      liveRecord('example.com', 'api.example.com', 'A', '192.0.2.9'),
    ] }));
    expect(checkPlan(p).ok).toBe(true);
  });

  it('problems refuse the plan whatever the force', () => {
    const p = plan(manifests({ servers: [server('web', { region: 'mars' })] }), live());
    const v = checkPlan(p, { force: p.checksum });
    expect(v.refusals.map((r) => r.rule)).toEqual(['problems']);
    expect(v.refusals[0]!.message).toMatch(/manifests\/servers.yaml:1 region "mars"/);
  });

  it('assertPlanSafe throws UnsafePlanError with the reasons', () => {
    const p = plan(manifests(), live({ servers: [liveServer(server('web'))] }));
    expect(() => assertPlanSafe(p)).toThrow(UnsafePlanError);
    expect(() => assertPlanSafe(p)).toThrow(/would delete 1 of 1 \(override: --force [0-9a-f]{12}\)/);
  });
});
