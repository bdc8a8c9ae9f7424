import { Command } from 'commander';
import { bandwidthReport, BYTES_PER_GB, type BandwidthRow } from '../workflows/bandwidth.ts';
import { EXIT } from './exit.ts';
import { connectFor, loadOrThrow } from './session.ts';
import { clockFor } from './workflow-session.ts';

const gb = (bytes: number): string => (bytes / BYTES_PER_GB).toFixed(2);

/** The bandwidth section as text lines: one row per server, carry-overs shown, limits and share. Pure. */
export function renderBandwidth(rows: BandwidthRow[]): string[] {
  if (rows.length === 0) return ['Bandwidth: no servers with an instance'];
  const head = ['SERVER', 'MONTH', 'USED GB', 'CARRIED GB', 'TOTAL GB', 'LIMIT GB', 'SHARE'];
  const body = rows.map((r) => [
    r.server, r.month, gb(r.usedBytes), gb(r.carriedBytes), gb(r.totalBytes),
    r.limitBytes === undefined ? '-' : gb(r.limitBytes),
    r.limitBytes === undefined ? '-' : `${((100 * r.totalBytes) / r.limitBytes).toFixed(1)}%${r.totalBytes > r.limitBytes ? ' OVER' : ''}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return ['Bandwidth this month (carried over across rebuilds):', line(head), ...body.map(line)];
}

/**
 * `keelson status [--json]`: each logical server's traffic this month, carry-overs from rebuilds
 * included, against its monthly limit. Read-only. Exit 0; 1 when the providers cannot be read.
 */
export function statusCommand(): Command {
  return new Command('status')
    .description("show each server's bandwidth this month (carried over across rebuilds) against its limit")
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { dir: string; json?: boolean }) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      const conn = await connectFor(project, manifests);
      try {
        const rows = await bandwidthReport(conn.providers.compute, project.owner, manifests.servers.values(), clockFor(conn).now());
        process.stdout.write(opts.json ? `${JSON.stringify({ bandwidth: rows }, null, 2)}\n` : `${renderBandwidth(rows).join('\n')}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    });
}
