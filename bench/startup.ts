/**
 * Start-up bench: `keelson --help` and `keelson validate --dir examples/two-region-saas` as whole
 * processes (bin/keelson.js, the compiled dist/), each timed right after a `node -e 0` so every ratio
 * compares two runs made a moment apart on the same machine load. Prints the median of the per-pair
 * ratios (aims: --help ≤ 3×, validate ≤ 6×) and the medians of the times themselves.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildDist } from '../scripts/build-dist.ts';
import { buildValidators } from '../scripts/build-validators.ts';
import { buildVendor } from '../scripts/build-vendor.ts';
import { loadNote, median } from './machine.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'keelson.js');

function timed(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

export interface StartupFigures {
  name: string;
  ratio: number;
  ms: number;
  nodeMs: number;
  aim: number;
}

/** `rounds` pairs per command, interleaved: node, --help, node, validate, node, --help, … */
export function benchStartup(rounds = 7): StartupFigures[] {
  const { outDir } = buildDist();
  buildValidators(outDir);
  buildVendor(outDir);
  const commands = [
    { name: 'keelson --help', args: [BIN, '--help'], aim: 3 },
    { name: 'keelson validate (examples/two-region-saas)', args: [BIN, 'validate', '--dir', 'examples/two-region-saas'], aim: 6 },
  ];
  // One unmeasured run each: the first run after a build pays for the disk cache.
  timed(['-e', '0']);
  for (const c of commands) timed(c.args);
  const pairs = commands.map(() => [] as { node: number; cli: number }[]);
  for (let r = 0; r < rounds; r++) {
    commands.forEach((c, i) => {
      const node = timed(['-e', '0']);
      pairs[i]!.push({ node, cli: timed(c.args) });
    });
  }
  return commands.map((c, i) => {
    const p = pairs[i]!;
    return { name: c.name, aim: c.aim, ratio: median(p.map((x) => x.cli / x.node)), ms: median(p.map((x) => x.cli)), nodeMs: median(p.map((x) => x.node)) };
  });
}

export function printStartup(figures: StartupFigures[]): void {
  console.log(`start-up (whole processes, each paired with a \`node -e 0\` run just before it; ${loadNote()})`);
  for (const f of figures) {
    console.log(`  ${f.name.padEnd(46)} ${f.ratio.toFixed(2)}× node -e 0 (median of pairs; aim ≤ ${f.aim}×)  ${f.ms.toFixed(0)} ms vs ${f.nodeMs.toFixed(0)} ms${f.ratio > f.aim ? '  OVER THE AIM' : ''}`);
  }
}
