/** `keelson status [NAME]`: what is live on each host of a Deployment (or of every Deployment). */
import { Command } from 'commander';
import { readStatus, renderStatus } from '../deploy/status.ts';
import { deploymentNamed, hostsOf, loadContext } from './deploy-context.ts';
import { EXIT } from './exit.ts';

export function statusCommand(): Command {
  return new Command('status')
    .description('show, per host, the live slot, image or commit, since when, and the previous version (reads only)')
    .argument('[name]', 'one Deployment (default: all)')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--json', 'print as JSON')
    .addHelpText('after', `
Exit codes: 0 every host answered, 1 a host could not be read or the manifests are invalid, 64 bad usage.`)
    .action(async (name: string | undefined, opts: { dir: string; json?: boolean }) => {
      const ctx = await loadContext(opts.dir);
      const docs = name ? [deploymentNamed(ctx, name)] : [...ctx.manifests.deployments.values()];
      const all = await Promise.all(docs.map(async (doc) => ({
        resource: `Deployment/${doc.metadata.name}`,
        hosts: await readStatus(doc, hostsOf(ctx, doc), { root: ctx.project.root }),
      })));
      if (opts.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      else for (const d of all) process.stdout.write(`${renderStatus(d.resource, d.hosts).join('\n')}\n`);
      process.exitCode = all.every((d) => d.hosts.every((h) => h.reachable)) ? EXIT.ok : EXIT.failure;
    });
}
