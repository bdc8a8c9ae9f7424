/**
 * Observation cost with 60 visible zones and one managed: Cloudflare calls per plan for a one-off plan
 * (`keelson plan`: the managed zone in full, the other 59 searched for keelson's records), for a plan
 * between orphan sweeps, and on average over an hour of plans once a minute sweeping every 15 minutes.
 * Before: every zone listed in full on every plan (1 zone listing + 60 record listings).
 */
import { observeScope } from '../src/pipeline.ts';
import { observe, orphanSweep } from '../src/providers/observe.ts';
import { manifests, zone } from '../test/plan/builders.ts';
import { manyZonesWorld } from '../test/helpers/many-zones.ts';
import { startTestSim } from '../test/helpers/sim.ts';
import { loadNote } from './machine.ts';

export interface ZoneCostFigures {
  zones: number;
  oneOff: number;
  betweenSweeps: number;
  perMinuteAverage: number;
  before: number;
}

export async function benchZoneCost(): Promise<ZoneCostFigures> {
  const t = await startTestSim({ seed: manyZonesWorld() });
  try {
    const desired = manifests({ zones: [zone('example-com', 'example.com', [{ name: 'www', values: ['192.0.2.1'] }])] });
    const cloudflareCalls = (): number => Object.entries(t.sim.admin.counters()).filter(([k]) => k.includes('/client/v4/')).reduce((n, [, v]) => n + v, 0);
    const measure = async (opts: { zones?: string[]; sweep?: boolean }): Promise<number> => {
      t.sim.admin.resetCounters();
      await observe(t.conn.providers, { ...observeScope(desired), ...opts });
      return cloudflareCalls();
    };
    const zones = (await t.conn.providers.dns.listZones()).length;
    const before = await measure({ zones: undefined });
    const oneOff = await measure({});
    const betweenSweeps = await measure({ sweep: false });
    const due = orphanSweep(15 * 60_000);
    t.sim.admin.resetCounters();
    for (let minute = 0; minute < 60; minute++) await observe(t.conn.providers, { ...observeScope(desired), sweep: due(minute * 60_000) });
    return { zones, before, oneOff, betweenSweeps, perMinuteAverage: cloudflareCalls() / 60 };
  } finally {
    await t.stop();
  }
}

export function printZoneCost(f: ZoneCostFigures): void {
  console.log(`observe: ${f.zones} visible zones, one managed: Cloudflare calls per plan (${loadNote()})`);
  console.log(`  before: every zone listed in full                        ${f.before}`);
  console.log(`  keelson plan: managed zone in full, 59 others searched    ${f.oneOff} (the searches return keelson's records only)`);
  console.log(`  a plan between orphan sweeps (sweep: false)               ${f.betweenSweeps}`);
  console.log(`  planning every minute, sweeping every 15 minutes          ${f.perMinuteAverage.toFixed(1)} on average`);
}
