import { Command, InvalidArgumentError } from 'commander';
import type { ServerDoc } from '../model/types.ts';
import { upcomingStarts } from '../schedule/slots.ts';
import { EXIT, exitHelp } from './exit.ts';
import { loadOrThrow } from './session.ts';

export interface ScheduledRun {
  server: string;
  slot: string;
  startAt: string;
  /** The start in the policy's time zone, for humans. */
  local: string;
  timezone: string;
}

function localTime(at: number, timezone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(at));
}

/** The next `count` scheduled rebuild starts of every server with a schedule, earliest first. Pure. */
export function nextRuns(servers: Iterable<ServerDoc>, from: number, count: number): ScheduledRun[] {
  const out: (ScheduledRun & { at: number })[] = [];
  for (const doc of servers) {
    const p = doc.spec.rebuild;
    if (!p?.schedule) continue;
    for (const r of upcomingStarts(doc.metadata.name, p, from, count)) {
      out.push({
        server: doc.metadata.name, at: r.startAt, slot: new Date(r.slot).toISOString(), startAt: new Date(r.startAt).toISOString(),
        local: localTime(r.startAt, p.timezone), timezone: p.timezone,
      });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.server.localeCompare(b.server)).map(({ at: _at, ...r }) => r);
}

/**
 * `keelson schedule [--count N] [--json]`: lists the next scheduled rebuilds (cron slot, then the
 * server's jitter and maintenance window applied). Reads only the manifests. Exit 0.
 */
export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('list the next scheduled rebuilds (slot, jitter and window applied) and the concurrency limits')
    .addHelpText('after', exitHelp('schedule'))
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--count <n>', 'runs per server', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected 1..100');
      return n;
    }, 3)
    .option('--json', 'print JSON')
    .action(async (opts: { dir: string; count: number; json?: boolean }) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      const runs = nextRuns(manifests.servers.values(), Date.now(), opts.count);
      if (opts.json) process.stdout.write(`${JSON.stringify({ limits: project.rebuilds, runs }, null, 2)}\n`);
      else {
        const { maxConcurrent, maxPerRegion } = project.rebuilds;
        process.stdout.write(`Scheduled rebuilds (at most ${maxConcurrent} at once, ${maxPerRegion} per region):\n`);
        if (runs.length === 0) process.stdout.write('  none: no Server has spec.rebuild.schedule\n');
        for (const r of runs) process.stdout.write(`  ${r.startAt}  ${r.server.padEnd(24)} ${r.local} ${r.timezone}  (slot ${r.slot})\n`);
      }
      process.exitCode = EXIT.ok;
    });
}
