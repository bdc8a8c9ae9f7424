// `npm run bench`: runs every benchmark in turn; each prints its own figures (never asserted as timings in tests).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { benchApply } from './apply.ts';
import { benchController } from './controller.ts';
import { benchDeploy } from './deploy.ts';
import type { PlanBench } from './plan.ts';
import { benchRebuild } from './rebuild.ts';
import { benchSimulator } from './sim.ts';
import { benchStatusPage } from './status-page.ts';
import { benchValidate } from './validate.ts';

await benchValidate();
await benchSimulator();

const p = await new Promise<PlanBench>((resolve, reject) => {
  const child = fork(join(import.meta.dirname, 'plan-process.ts'), { execArgv: ['--import', 'tsx'] });
  child.once('message', (m) => resolve(m as PlanBench));
  child.once('exit', (code) => reject(new Error(`plan bench exited with ${code} before reporting`)));
});
process.stdout.write(
  `plan: ${p.servers} servers, ${p.records} records, simulator at 50 ms per call
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
const a = await benchApply();
process.stdout.write(
  `apply: ${a.records} record creates in one Free zone, simulator at 50 ms per call
` +
    `  Cloudflare write calls  ${a.cloudflareWrites} (${(a.records / Math.max(1, a.cloudflareWrites)).toFixed(0)} records per call)
` +
    `  wall time               ${(a.wallMs / 1000).toFixed(2)} s${a.ok ? '' : ' (FAILED)'}
`,
);
await benchRebuild();
await benchDeploy();
await benchController();
await benchStatusPage();
