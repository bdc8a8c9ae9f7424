/**
 * `keelson status [NAME]`: one verb, two sections. Deployments: what is live on each host (the deploy
 * status, read over SSH). Bandwidth: each Server's traffic this month, carried over across rebuilds,
 * against its monthly limit (read from the providers). Reads only.
 */
import { Command, Option } from 'commander';
import { readStatus, renderStatus } from '../deploy/status.ts';
import { bandwidthReport, BYTES_PER_GB, type BandwidthRow } from '../workflows/bandwidth.ts';
import { deploymentNamed, hostsOf, loadContext } from './deploy-context.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { scrub } from '../secrets.ts';
import { EXIT, exitHelp } from './exit.ts';
import { connectFor } from './session.ts';
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

type Section = 'deployments' | 'bandwidth';

export function statusCommand(): Command {
  return new Command('status')
    .description("show, per host, each Deployment's live version, and each Server's bandwidth this month against its limit (reads only)")
    .argument('[name]', 'one Deployment (default: all; naming one shows only deployments)')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .addOption(new Option('--only <section>', 'one section').choices(['deployments', 'bandwidth']))
    .option('--json', 'print as JSON')
    .addHelpText('after', exitHelp('status'))
    .action(async (name: string | undefined, opts: { dir: string; json?: boolean; only?: Section }) => {
      const sections: Section[] = name ? ['deployments'] : opts.only ? [opts.only] : ['deployments', 'bandwidth'];
      const ctx = await loadContext(opts.dir);
      const out: { deployments?: unknown[]; bandwidth?: BandwidthRow[] } = {};
      let ok = true;
      if (sections.includes('deployments')) {
        const docs = name ? [deploymentNamed(ctx, name)] : [...ctx.manifests.deployments.values()];
        const all = await Promise.all(docs.map(async (doc) => {
          const resource = `Deployment/${doc.metadata.name}`;
          try {
            return { resource, hosts: await readStatus(doc, await hostsOf(ctx, doc), { root: ctx.project.root }) };
          } catch (err) {
            // One deployment whose hosts cannot be resolved must not hide the others (or the bandwidth).
            if (!(err instanceof UsageError || err instanceof ConfigError)) throw err;
            return { resource, hosts: [], error: scrub(err.message) };
          }
        }));
        ok = all.every((d) => !('error' in d) && d.hosts.every((h) => h.reachable));
        out.deployments = all;
        if (!opts.json) {
          for (const d of all) process.stdout.write('error' in d ? `${d.resource}: ${d.error}\n` : `${renderStatus(d.resource, d.hosts).join('\n')}\n`);
        }
      }
      if (sections.includes('bandwidth') && ctx.manifests.servers.size > 0) {
        const conn = await connectFor(ctx.project, ctx.manifests);
        try {
          out.bandwidth = await bandwidthReport(conn.providers.compute, ctx.project.owner, ctx.manifests.servers.values(), clockFor(conn).now());
        } finally {
          await conn.close();
        }
        if (!opts.json) process.stdout.write(`${renderBandwidth(out.bandwidth).join('\n')}\n`);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      process.exitCode = ok ? EXIT.ok : EXIT.failure;
    });
}
