/**
 * `keelson lock status` and `keelson lock release [--force EPOCH]`: look at the repository lock and
 * give back one that a crashed run left (see the README, "Locking").
 */
import { Command } from 'commander';
import { lockStatus, releaseLock } from '../lock/admin.ts';
import { describeHolder, formatSpan, staleForMs } from '../lock/record.ts';
import { EXIT, exitHelp } from './exit.ts';
import { loadOrThrow } from './session.ts';

async function settingsOf(dir: string) {
  const { project } = await loadOrThrow(dir);
  return { remote: project.lock.remote, ref: project.lock.ref, ttlMs: project.lock.ttlMs, renewMs: project.lock.renewMs };
}

/** What `lock status` prints: one block, the same words the verbs use. */
export function statusLines(st: Awaited<ReturnType<typeof lockStatus>>, now = Date.now()): string[] {
  const s = st.state;
  if (s.kind === 'absent') return [`${st.name}: free (never taken)`];
  if (s.kind === 'garbage') return [`${st.name}: NOT A KEELSON LOCK at ${s.sha.slice(0, 12)} (${s.why})`, `  keelson will not overwrite it; \`keelson lock release --force ${s.sha.slice(0, 12)}\` replaces it`];
  const r = s.record;
  if (r.state === 'released') return [`${st.name}: free (epoch ${r.epoch}, released at ${r.renewedAt})`];
  const stale = staleForMs(r, now);
  return [
    `${st.name}: ${stale < 0 ? 'held' : 'EXPIRED'} (epoch ${r.epoch})`,
    `  holder:    ${describeHolder(r.holder)}`,
    `  operation: ${r.operation}`,
    `  acquired:  ${r.acquiredAt}`,
    `  renewed:   ${r.renewedAt}`,
    `  expires:   ${r.expiresAt} (${stale < 0 ? `in ${formatSpan(-stale)}` : `${formatSpan(stale)} ago: the next run takes it over`})`,
  ];
}

export function lockCommand(): Command {
  const lock = new Command('lock').description('the repository lock every writing verb takes (a ref in the git remote)');
  lock
    .command('status')
    .description('show who holds the lock, for what, and until when')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--json', 'print the lock as JSON')
    .addHelpText('after', exitHelp('lock status'))
    .action(async (opts: { dir: string; json?: boolean }) => {
      const st = await lockStatus(opts.dir, await settingsOf(opts.dir));
      if (opts.json) {
        const s = st.state;
        process.stdout.write(`${JSON.stringify({ lock: st.name, ...(s.kind === 'lock' ? { sha: s.sha, ...s.record } : s.kind === 'garbage' ? { state: 'garbage', sha: s.sha, why: s.why } : { state: 'absent' }) }, null, 2)}\n`);
      } else {
        for (const line of statusLines(st)) process.stdout.write(`${line}\n`);
      }
      process.exitCode = EXIT.ok;
    });
  lock
    .command('release')
    .description('release a lock a crashed run left: an expired one, or with --force the one at exactly that epoch')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--force <epoch>', 'release the lock at this epoch even though it has not expired (or, for a ref holding garbage, the commit id `lock status` shows)')
    .addHelpText('after', exitHelp('lock release'))
    .action(async (opts: { dir: string; force?: string }) => {
      const out = await releaseLock(opts.dir, { settings: await settingsOf(opts.dir), ...(opts.force !== undefined && { force: opts.force }) });
      process.stdout.write(out.kind === 'released' ? `released the lock of ${out.was} (epoch ${out.epoch})\n` : `the lock is free already (epoch ${out.epoch})\n`);
      process.exitCode = EXIT.ok;
    });
  return lock;
}
