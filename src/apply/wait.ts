/**
 * Polling against a deadline (as Kamal's health poller does): a server counts as installed only when
 * it is active, running, `server_status: ok` and has a real address (installs are awaited through the
 * shared watcher, src/workflows/watch.ts); a snapshot when it is complete. Read-only: these only poll.
 */
import type { LiveServer, LiveSnapshot } from '../model/live.ts';
import { KeelsonError } from '../errors.ts';
import type { ComputeProvider } from '../providers/types.ts';
import type { ApplyClock } from './types.ts';

export class DeadlineError extends KeelsonError {
  override name = 'DeadlineError';
}

export function isInstalled(s: LiveServer): boolean {
  return s.status === 'active' && s.power === 'running' && s.install === 'ok' && s.ipv4 !== undefined;
}

export interface PollOptions {
  clock: ApplyClock;
  timeoutMs: number;
  intervalMs: number;
  onPoll?: (elapsedMs: number) => void;
}

/** Polls the snapshot list until `find` returns a complete snapshot. */
export async function waitForSnapshot(compute: ComputeProvider, name: string, find: (all: LiveSnapshot[]) => LiveSnapshot | undefined, opts: PollOptions): Promise<LiveSnapshot> {
  const start = opts.clock.now();
  for (;;) {
    const snap = find(await compute.listSnapshots());
    if (snap?.status === 'complete') return snap;
    const elapsed = opts.clock.now() - start;
    if (elapsed >= opts.timeoutMs) throw new DeadlineError(`[Snapshot/${name}] not complete after ${Math.round(elapsed / 1000)} s (${snap ? snap.status : 'not found'})`);
    opts.onPoll?.(elapsed);
    await opts.clock.sleep(opts.intervalMs);
  }
}
