/**
 * The crash matrix: kill keelson at every step boundary of a rebuild and in the middle of every API
 * call (the simulator carries the call out, then drops the connection), rerun, and check that the
 * rebuild completes with no leaked or duplicate server and that the name resolved to a live server at
 * every simulated second and after every API response. Counts are asserted, never timings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rebuildServer, type RebuildStep, type WorkflowContext } from '../../src/workflows/rebuild.ts';
import { WorkflowError } from '../../src/errors.ts';
import { parseSnapshotDescription } from '../../src/model/ownership.ts';
import type { SimAdmin } from '../../src/sim/index.ts';
import { startWorld, OWNER, type TestWorld } from '../helpers/sim-world.ts';
import { manualDriver } from '../helpers/manual-clock.ts';
import { ownedInstances, resolveViolations } from '../helpers/invariants.ts';
import { killSwitch } from '../helpers/kill-switch.ts';

type Policy = 'golden' | 'fresh';
type CrashPoint = { kind: 'call'; index: number; endpoint: string } | { kind: 'step'; step: RebuildStep };

const NAME = 'vpn-0';
const POLL = 60_000;
let world: TestWorld | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

async function setup(policy: Policy, onCall?: (endpoint: string) => void) {
  const ref: { admin?: SimAdmin } = {};
  const violations: string[] = [];
  const probe = (): void => {
    if (ref.admin) violations.push(...resolveViolations(ref.admin, [`${NAME}.example.com`]));
  };
  const w = await startWorld({
    rebuild: policy === 'fresh' ? { freshSnapshot: true } : {},
    sim: { onResponse: (e) => (onCall?.(e.endpoint), probe()) },
  });
  ref.admin = w.sim.admin;
  return { w, admin: w.sim.admin, violations, probe };
}

function context(w: TestWorld, clock: WorkflowContext['clock'], providers: WorkflowContext['providers'], extra: Partial<WorkflowContext> = {}): WorkflowContext {
  return { providers, owner: OWNER, manifests: w.manifests, clock, pollInterval: POLL, ...extra };
}

/** The API calls of an undisturbed rebuild, with runs of the same poll collapsed to their first. */
async function calibrate(policy: Policy): Promise<CrashPoint[]> {
  const calls: string[] = [];
  const { w, admin } = await setup(policy, (e) => calls.push(e));
  try {
    const driver = manualDriver(admin);
    await driver.run(rebuildServer(context(w, driver.clock, w.providers(killSwitch(new AbortController(), driver.inflight))), NAME));
  } finally {
    await w.sim.stop();
  }
  return calls.flatMap((endpoint, i) => (i > 0 && calls[i - 1] === endpoint && endpoint.startsWith('GET') ? [] : [{ kind: 'call' as const, index: i + 1, endpoint }]));
}

const STEPS: RebuildStep[] = ['snapshot', 'create', 'install', 'dns', 'drain', 'bandwidth', 'destroy-old'];

async function crashAndRerun(policy: Policy, point: CrashPoint): Promise<void> {
  const { w, admin, violations, probe } = await setup(policy);
  world = w;
  const oldId = w.oldIds.get(NAME)!;
  const baseInstances = admin.dump().vultr.instances.length - 1;

  const ctl = new AbortController();
  const d1 = manualDriver(admin, probe);
  const fault = point.kind === 'call' ? admin.addFault({ endpoint: '*', nth: point.index, effect: 'reset', after: true }) : undefined;
  const fired = (): boolean => fault !== undefined && (admin.faults().find((f) => f.id === fault.id)?.fired ?? 0) > 0;
  const p1 = w.providers(killSwitch(ctl, d1.inflight, fired));
  const onStep: WorkflowContext['onStep'] = (e) => {
    if (point.kind === 'step' && e.state === 'done' && e.step === point.step) ctl.abort(new Error('killed'));
  };
  const first = await d1.run(rebuildServer(context(w, d1.clock, p1, { signal: ctl.signal, onStep }), NAME)).then(() => undefined, (e: unknown) => e);
  // A kill is never a failure: nothing may have been rolled back.
  expect(first instanceof WorkflowError).toBe(false);
  if (point.kind === 'call' || point.step !== 'destroy-old') expect(first, 'the first run was killed').toBeInstanceOf(Error);
  admin.clearFaults();

  // The rerun: `apply`/the controller resume; `keelson rebuild` resumes or (nothing started yet) starts.
  const oldGone = !admin.dump().vultr.instances.some((i) => i.id === oldId);
  const d2 = manualDriver(admin, probe);
  const p2 = w.providers(killSwitch(new AbortController(), d2.inflight));
  await d2.run(rebuildServer(context(w, d2.clock, p2), NAME, { resumeOnly: oldGone }));

  const dump = admin.dump();
  const owned = ownedInstances(admin, OWNER).get(NAME) ?? [];
  expect(owned, 'one server, not the old one').toHaveLength(1);
  expect(owned[0]).not.toBe(oldId);
  expect(dump.vultr.instances.length, 'no leaked instance').toBe(baseInstances + 1);
  const live = dump.vultr.instances.find((i) => i.id === owned[0])!;
  expect(dump.cloudflare.records.filter((r) => r.name === `${NAME}.example.com`).map((r) => r.content)).toEqual([live.ip]);
  const snaps = dump.vultr.snapshots.filter((s) => parseSnapshotDescription(s.description).ownership?.name === NAME);
  expect(snaps.length, 'at most one fresh snapshot').toBeLessThanOrEqual(policy === 'fresh' ? 1 : 0);
  expect(violations).toEqual([]);
}

for (const policy of ['golden', 'fresh'] as const) {
  const calls = await calibrate(policy);
  describe(`crash matrix, ${policy} snapshot`, () => {
    it('has calls to crash in', () => expect(calls.length).toBeGreaterThan(8));
    it.each(STEPS.map((step) => ({ kind: 'step' as const, step })))('killed after step $step', (p) => crashAndRerun(policy, p));
    it.each(calls)('killed in call $index ($endpoint), response lost', (p) => crashAndRerun(policy, p));
  });
}
