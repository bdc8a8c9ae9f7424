/**
 * Record planning bench: `planChanges` over one zone of 1,000, 3,000 and 30,000 TXT record sets, each
 * matched by an owned live record, plus a tenth as many records nobody manages. Prints the time per
 * 1,000 records at each size: linear planning keeps it flat (before: 15 ms at 1,000, 223 ms at 3,000).
 */
import { planChanges } from '../src/plan/plan.ts';
import { live, liveRecord, manifests, zone, type RecordInput } from '../test/plan/builders.ts';
import { loadNote } from './machine.ts';

export interface RecordPlanFigures {
  records: number;
  ms: number;
  /** CPU time of this process while planning: on a loaded machine far steadier than wall time. */
  cpuMs: number;
  cpuMsPer1000: number;
  changes: number;
}

function planOnce(n: number): RecordPlanFigures {
  const want: RecordInput[] = [];
  const records = [];
  for (let i = 0; i < n; i++) {
    want.push({ name: `t-${i}`, type: 'TXT', values: [`value ${i}`] });
    records.push(liveRecord('example.com', `t-${i}.example.com`, 'TXT', `value ${i}`));
  }
  for (let i = 0; i < n / 10; i++) records.push(liveRecord('example.com', `u-${i}.example.com`, 'TXT', `theirs ${i}`, { owner: null }));
  const desired = manifests({ zones: [zone('example-com', 'example.com', want)] });
  const state = live({ records });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const plan = planChanges(desired, state, { owner: 'acme' });
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { records: n, ms: performance.now() - start, cpuMs, cpuMsPer1000: (cpuMs / n) * 1000, changes: plan.changes.length };
}

export function benchRecordPlanning(sizes = [1000, 3000, 30_000]): RecordPlanFigures[] {
  planOnce(3000); // warm-up: the first calls pay for compiling the planner
  return sizes.map(planOnce);
}

export function printRecordPlanning(figures: RecordPlanFigures[]): void {
  console.log(`record planning (one zone, planChanges only; ${loadNote()})`);
  for (const f of figures) {
    console.log(`  ${String(f.records).padStart(6)} records  ${f.cpuMsPer1000.toFixed(1).padStart(6)} ms CPU per 1,000  (${f.cpuMs.toFixed(0)} ms CPU, ${f.ms.toFixed(0)} ms wall)${f.changes ? `  ${f.changes} changes: FAILED` : ''}`);
  }
}
