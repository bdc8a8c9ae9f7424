/** `npm run bench`: prints figures (never asserted as timings in tests). */
import { benchApply } from './apply.ts';
import { benchPlan } from './plan.ts';

const p = await benchPlan();
process.stdout.write(
  `plan: ${p.servers} servers, ${p.records} records, simulator at 50 ms per call\n` +
    `  wall time    ${(p.wallMs / 1000).toFixed(2)} s (observe + plan)\n` +
    `  API calls    ${p.apiCalls} (minimum pagination allows: ${p.minimumCalls})\n` +
    `  peak memory  ${p.peakRssMb.toFixed(0)} MB RSS (keelson's process, simulator in another; ${p.baseRssMb.toFixed(0)} MB before loading manifests)\n` +
    `  changes      ${p.changes}\n`,
);
const a = await benchApply();
process.stdout.write(
  `apply: ${a.records} record creates in one Free zone, simulator at 50 ms per call\n` +
    `  Cloudflare write calls  ${a.cloudflareWrites} (${(a.records / Math.max(1, a.cloudflareWrites)).toFixed(0)} records per call)\n` +
    `  wall time               ${(a.wallMs / 1000).toFixed(2)} s${a.ok ? '' : ' (FAILED)'}\n`,
);
