/**
 * `keelson deploy NAME` and `keelson rollback NAME`: health-gated blue/green deploys over SSH.
 * Progress goes to stderr as it happens; the per-host summary goes to stdout.
 */
import { Command } from 'commander';
import { renderSummary, rollout, type Action, type RolloutSummary } from '../deploy/rollout.ts';
import { UsageError } from '../errors.ts';
import { scrub } from '../secrets.ts';
import { deploymentNamed, hostsOf, loadContext, notifiersOf } from './deploy-context.ts';
import { EXIT, exitHelp } from './exit.ts';
import { jsonEventLog } from './log-events.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';

interface DeployOptions extends LockFlags {
  image?: string;
  ref?: string;
  only?: string;
  json?: boolean;
}

async function runRollout(action: Action, name: string, opts: DeployOptions, cmd: Command, guard: Guard): Promise<void> {
  const events = jsonEventLog(cmd);
  const ctx = await loadContext(opts.dir);
  const doc = deploymentNamed(ctx, name);
  const isContainer = 'container' in doc.spec.source;
  if (opts.image && !isContainer) throw new UsageError(`[Deployment/${name}] deploys from git; use --ref, not --image`);
  if (opts.ref && isContainer) throw new UsageError(`[Deployment/${name}] deploys a container image; use --image, not --ref`);
  const summary: RolloutSummary = await rollout({
    doc, action, version: opts.image ?? opts.ref, hosts: await hostsOf(ctx, doc, opts.only), root: ctx.project.root,
    notifiers: notifiersOf(ctx), fence: guard.fence,
    report: (p) => (events
      ? events(`${action}.step`, { deployment: name, host: p.host, step: p.step }, p.message)
      : process.stderr.write(scrub(`[${p.host}] ${p.step}: ${p.message}\n`))),
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  else for (const line of renderSummary(summary)) process.stdout.write(`${line}\n`);
  process.exitCode = summary.ok ? EXIT.ok : EXIT.failure;
}

/** The summary for machines: no Error objects, messages scrubbed. */
export function summaryJson(s: RolloutSummary): Record<string, unknown> {
  return {
    resource: s.resource, action: s.action, ok: s.ok, counts: s.counts, notifyFailures: s.notifyFailures,
    hosts: s.hosts.map((h) => (h.status === 'succeeded'
      ? { host: h.host, status: h.status, live: h.result.live, previous: h.result.previous }
      : h.status === 'failed' ? { host: h.host, status: h.status, error: scrub(h.error.message) } : h)),
  };
}

export function deployCommand(): Command {
  return withLockOptions(new Command('deploy'))
    .description('deploy a Deployment blue/green over SSH: start the new version, wait until healthy, switch nginx, stop the old')
    .argument('<name>', 'the Deployment to deploy')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--image <image>', 'image to deploy instead of the manifest\'s (container deployments)')
    .option('--ref <ref>', 'branch, tag or commit to deploy instead of the manifest\'s (git deployments)')
    .option('--only <server>', 'deploy to this one target only')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `${exitHelp('deploy')}

Examples:
  keelson deploy api --image ghcr.io/acme/api:1.4.2
  keelson deploy site --ref v2.3.0 --only web-1`)
    .action(locked('deploy', (name: string, opts: DeployOptions, cmd: Command, guard: Guard) => runRollout('deploy', name, opts, cmd, guard)));
}

export function rollbackCommand(): Command {
  return withLockOptions(new Command('rollback'))
    .description('switch each host back to its previous version (kept by the last deploy), health-gated')
    .argument('<name>', 'the Deployment to roll back')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--only <server>', 'roll back this one target only')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `${exitHelp('rollback')}

Example:
  keelson rollback api`)
    .action(locked('rollback', (name: string, opts: DeployOptions, cmd: Command, guard: Guard) => runRollout('rollback', name, opts, cmd, guard)));
}
