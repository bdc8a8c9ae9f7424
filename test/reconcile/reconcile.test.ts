/** The one reconcile, through the real SDKs into the simulator: stages, outcomes and the value it returns. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import type { ReconcileOptions } from '../../src/reconcile/types.ts';
import { writeProject } from '../helpers/project.ts';
import { startTestSim, writeCalls, type TestSim } from '../helpers/sim.ts';

let t: TestSim;
beforeEach(async () => {
  t = await startTestSim();
});
afterEach(() => t.stop());

function options(dir: string, extra: Partial<ReconcileOptions> = {}): ReconcileOptions {
  return {
    source: async () => ({ dir, revision: 'abc123' }),
    connect: async () => t.conn,
    keepConnection: true,
    workflow: (project, manifests, conn) => ({ providers: conn.providers, owner: project.owner, manifests, clock: { now: () => Date.now(), sleep: async () => {} }, probe: async () => ({ ok: true }) }),
    pollIntervalMs: () => 5,
    ...extra,
  };
}

const project = { zones: [{ name: 'example', zone: 'example.com', records: [{ name: 'www', type: 'A' as const, value: '192.0.2.10' }, { name: 'txt', type: 'TXT' as const, value: 'hello' }] }] };

describe('reconcile', () => {
  it('applies, records the revision, every change outcome and each stage in order; then is in sync', async () => {
    const dir = await writeProject(project);
    const r = await reconcile(options(dir));
    expect(r.outcome).toBe('applied');
    expect(r.revision).toBe('abc123');
    expect(r.plan?.revision).toBe('abc123');
    expect(r.changes.map((c) => c.status)).toEqual(['done', 'done']);
    expect(r.stages.map((s) => s.stage)).toEqual(['source', 'load', 'observe', 'plan', 'check', 'hooks', 'apply', 'result']);
    const again = await reconcile(options(dir));
    expect(again.outcome).toBe('in-sync');
    expect(again.changes).toEqual([]);
  });

  it('invalid manifests: nothing touched, every problem with file and line', async () => {
    const dir = await writeProject(project);
    await writeFile(join(dir, 'manifests', 'bad.yaml'), 'apiVersion: keelson.dev/v1\nkind: DNSZone\nmetadata: {name: bad}\nspec:\n  zone: example.org\n  records:\n    - {name: x, type: A, value: 1, ttl: -4}\n');
    const before = writeCalls(t.sim);
    const r = await reconcile(options(dir));
    expect(r.outcome).toBe('invalid');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]?.file).toContain('bad.yaml');
    expect(r.problems[0]?.line).toBeGreaterThan(0);
    expect(writeCalls(t.sim)).toBe(before);
  });

  it('a refused plan is not applied and names its numbers; report-only mode plans without writing', async () => {
    const dir = await writeProject({ ...project, safety: { maxChangePercent: 10, minCountForPercent: 1 } });
    expect((await reconcile(options(dir))).outcome).toBe('applied');
    await writeProject({ safety: { maxChangePercent: 10, minCountForPercent: 1 }, zones: [{ name: 'example', zone: 'example.com', records: [{ name: 'www', type: 'A', value: '192.0.2.11' }, { name: 'txt', type: 'TXT', value: 'bye' }] }] }, dir);
    const before = writeCalls(t.sim);
    const refused = await reconcile(options(dir));
    expect(refused.outcome).toBe('refused');
    expect(refused.refusals.map((x) => x.message).join(' ')).toMatch(/would update 2 of 2 DNSRecord/);
    expect(writeCalls(t.sim)).toBe(before);
    const report = await reconcile(options(dir, { apply: false, force: refused.plan!.checksum }));
    expect(report.outcome).toBe('planned');
    expect(writeCalls(t.sim)).toBe(before);
  });

  it('a failing stage comes back as a value naming the stage; the lock seam is taken and released', async () => {
    const dir = await writeProject(project);
    const calls: string[] = [];
    const lock = { acquire: async () => ({ assertHeld: async () => void calls.push('held'), release: async () => void calls.push('released') }) };
    const r = await reconcile(options(dir, { lock, connect: async () => { await t.sim.stop(); return t.conn; } }));
    expect(r.outcome).toBe('failed');
    expect(r.failedStage).toBe('observe');
    expect(r.message).toBeTruthy();
    expect(calls.at(-1)).toBe('released');
  });
});
