import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { destroyServer, type DestroyContext } from '../workflows/destroy.ts';
import { EXIT, exitHelp } from './exit.ts';
import { jsonEventLog } from './log-events.ts';
import { confirmOrDecline } from './prompt.ts';
import { connectFor, loadOrThrow } from './session.ts';
import { clockFor, stepPrinter } from './workflow-session.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';

/**
 * `keelson destroy SERVER`: removes the server's DNS records, runs its destroy hooks (once), deletes
 * the snapshots keelson made for it and its instances, in that order. Refuses a protected server (or
 * snapshot), and, without `--force`, deleting the last address record of a name still declared.
 * Safe to repeat; a rerun finishes what a crash left. Exit codes: `VERB_EXITS.destroy` in exit.ts.
 */
export function destroyCommand(): Command {
  return withLockOptions(new Command('destroy'))
    .description("destroy a server: its DNS records, destroy hooks, keelson's snapshots of it, then the instance")
    .argument('<server>', 'the Server (metadata.name), still in the manifests so its hooks are known')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--force', 'delete the last A/AAAA record of a name the manifests still declare (never overrides protect)')
    .addHelpText('after', `\nRemove the Server from the manifests afterwards.\n${exitHelp('destroy')}`)
    .action(locked('destroy', async (server: string, opts: LockFlags & { yes?: boolean; force?: boolean }, cmd: Command, guard: Guard) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      const doc = manifests.servers.get(server);
      if (!doc) throw new UsageError(`no Server named ${server} in the manifests (its destroy hooks are read from there)`);
      if (!opts.yes) {
        await confirmOrDecline('destroy', `Destroy Server/${server}, its DNS records, snapshots and run its destroy hooks? Type the server name: `, server);
      }
      const conn = await connectFor(project, manifests);
      conn.providers = guard.providers(conn.providers);
      const events = jsonEventLog(cmd);
      try {
        const ctx: DestroyContext = {
          providers: conn.providers, owner: project.owner, manifests, clock: clockFor(conn), root: project.root, force: opts.force === true,
          onStep: stepPrinter('destroy', server, events), fence: guard.fence,
        };
        process.stdout.write(`destroying Server/${server}\n`);
        const r = await destroyServer(ctx, doc);
        process.stdout.write(`[Server/${server}] destroyed: ${r.instancesDeleted.length} instance(s), ${r.recordsDeleted} record(s), ${r.snapshotsDeleted} snapshot(s), hooks run: ${r.hooksRun.join(', ') || 'none'}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    }));
}
