// `npm run bench`: runs every benchmark in turn; each prints its own figures (never asserted as timings
// in tests) with the machine's load beside them. Ratios are measured pair by pair in this same run.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { benchApply } from './apply.ts';
import { benchCreates, printCreates } from './create-fleet.ts';
import { benchController } from './controller.ts';
import { benchDeploy } from './deploy.ts';
import { benchFailover } from './failover.ts';
import { benchLock } from './lock.ts';
import { loadNote } from './machine.ts';
import { benchPlanCli, printPlanCli } from './plan-cli.ts';
import { benchRecordPlanning, printRecordPlanning } from './plan-records.ts';
import { benchZoneCost, printZoneCost } from './plan-zones.ts';
import type { PlanBench } from './plan.ts';
import { benchRebuild } from './rebuild.ts';
import { benchSimulator } from './sim.ts';
import { benchStartup, printStartup } from './startup.ts';
import { benchStatusPage } from './status-page.ts';
import { benchValidate } from './validate.ts';

// First, while nothing else of the bench has warmed or loaded the machine.
const startup = benchStartup();
printStartup(startup);
await benchValidate();
const records = benchRecordPlanning();
printRecordPlanning(records);
const zones = await benchZoneCost();
printZoneCost(zones);
console.log(`(${loadNote()})`);
await benchSimulator();

const p = await new Promise<PlanBench>((resolve, reject) => {
  const child = fork(join(import.meta.dirname, 'plan-process.ts'), { execArgv: ['--import', 'tsx'] });
  child.once('message', (m) => resolve(m as PlanBench));
  child.once('exit', (code) => reject(new Error(`plan bench exited with ${code} before reporting`)));
});
process.stdout.write(
  `plan: ${p.servers} servers, ${p.records} records, simulator at 50 ms per call (${loadNote()})
` +
    `  wall time    ${(p.wallMs / 1000).toFixed(2)} s (observe + plan)
` +
    `  API calls    ${p.apiCalls} (minimum pagination allows: ${p.minimumCalls})
` +
    `  peak memory  ${p.peakRssMb.toFixed(0)} MB RSS (keelson's process, simulator in another; ${p.baseRssMb.toFixed(0)} MB before loading manifests)
` +
    `  changes      ${p.changes}
`,
);
const cli = await benchPlanCli();
printPlanCli(cli);
const a = await benchApply();
process.stdout.write(
  `apply: ${a.records} record creates in one Free zone, simulator at 50 ms per call (${loadNote()})
` +
    `  Cloudflare write calls  ${a.cloudflareWrites} (${(a.records / Math.max(1, a.cloudflareWrites)).toFixed(0)} records per call)
` +
    `  wall time               ${(a.wallMs / 1000).toFixed(2)} s${a.ok ? '' : ' (FAILED)'}
`,
);
console.log(`(${loadNote()})`);
printCreates(await benchCreates());
await benchRebuild();
await benchFailover();
console.log(`(${loadNote()})`);
await benchDeploy();
await benchController();
await benchStatusPage();
await benchLock();

// Before (as measured when issues 10 and 16 were filed, on this kind of 2-core machine) and after (this run).
const [help, validate] = startup;
const per1000 = (n: number): string => `${records.find((r) => r.records === n)?.cpuMsPer1000.toFixed(0) ?? '?'} ms`;
const cliAt = (n: number): string => `${((cli.find((c) => c.servers === n)?.wallMs ?? 0) / 1000).toFixed(2)} s`;
console.log(`
closing note: before → after (${loadNote()})
  keelson --help                     1.7–2.5 s                          → ${((help?.ms ?? 0) / 1000).toFixed(2)} s, ${help?.ratio.toFixed(2)}× node -e 0 (aim ≤ 3×)
  keelson validate (an example)      2.6–3.3 s                          → ${((validate?.ms ?? 0) / 1000).toFixed(2)} s, ${validate?.ratio.toFixed(2)}× node -e 0 (aim ≤ 6×)
  record planning                    15 ms at 1,000, 223 ms at 3,000 (grew with the square)
                                     → per 1,000 records: ${per1000(1000)} at 1,000, ${per1000(3000)} at 3,000, ${per1000(30_000)} at 30,000 (CPU of the whole planChanges)
  Cloudflare calls per plan, 60 zones, one managed: ${zones.before} → ${zones.oneOff} for a one-off plan, ${zones.betweenSweeps} between sweeps, ${zones.perMinuteAverage.toFixed(1)} per plan planning every minute
  keelson plan process               2.65 s at 1,000, 3.76 s at 3,000   → ${cliAt(1000)} at 1,000, ${cliAt(3000)} at 3,000 (${cliAt(100)} at 100)`);
