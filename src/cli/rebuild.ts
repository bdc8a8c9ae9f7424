import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { rebuildLine } from '../reconcile/reconcile.ts';
import { rebuildServer } from '../workflows/rebuild.ts';
import { EXIT, exitHelp } from './exit.ts';
import { jsonEventLog } from './log-events.ts';
import { connectFor, loadOrThrow } from './session.ts';
import { stepPrinter, workflowContext } from './workflow-session.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';

interface RebuildOptions extends LockFlags {
  region?: string;
  snapshot?: string;
  force?: boolean;
}


/**
 * `keelson rebuild SERVER [--region R] [--snapshot NAME]`: rebuilds a server, or finishes the rebuild
 * of it a crash left in progress. Prints each step with its elapsed time. Exit 0 when rebuilt, 1 with
 * the reason when a step failed (before the DNS flip the new server is destroyed again).
 */
export function rebuildCommand(): Command {
  return withLockOptions(new Command('rebuild'))
    .description('rebuild a server from its snapshot: create → wait installed → move DNS → drain → carry bandwidth → destroy old')
    .argument('<server>', 'the Server (metadata.name)')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--region <region>', 'build in this region instead of the next one in the rotation')
    .option('--snapshot <name>', "build from this Snapshot instead of the policy's")
    .option('--force', 'rebuild a protected server (protect: true) anyway; it is replaced by a new instance')
    .addHelpText('after', `\nRerunning after a crash finishes the same rebuild.\n${exitHelp('rebuild')}`)
    .action(locked('rebuild', async (server: string, opts: RebuildOptions, cmd: Command, guard: Guard) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      if (!manifests.servers.has(server)) throw new UsageError(`no Server named ${server} in the manifests`);
      const conn = await connectFor(project, manifests);
      conn.providers = guard.providers(conn.providers);
      try {
        process.stdout.write(`rebuilding Server/${server}\n`);
        const r = await rebuildServer(workflowContext(project, manifests, conn, { onStep: stepPrinter('rebuild', server, jsonEventLog(cmd)), fence: guard.fence }), server, {
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
          ...(opts.force ? { force: true } : {}),
        });
        process.stdout.write(`${rebuildLine(r)}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    }));
}
