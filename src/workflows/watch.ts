/**
 * Waiting on installs without one poll per server: a `ServerWatcher` lists the account once per
 * interval and hands every waiter its instance. A fleet rebuild of ten servers at once costs one list
 * call per interval, not ten gets, which keeps it inside the provider's rate budget. Read-only.
 */
import type { LiveServer } from '../model/live.ts';
import type { ComputeProvider } from '../providers/types.ts';
import type { Clock } from './clock.ts';

interface Waiter {
  id: string;
  until: (s: LiveServer | undefined) => boolean;
  deadline: number;
  onPoll?: (s: LiveServer | undefined) => void;
  resolve: (s: LiveServer | undefined) => void;
  reject: (err: unknown) => void;
}

/** Thrown when a wait passes its deadline; carries the last state seen. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
  constructor(readonly last: LiveServer | undefined) {
    super('deadline passed');
  }
}

export interface ServerWatcher {
  /**
   * Resolves with the instance once `until(instance)` holds (the instance is undefined while the
   * provider does not list it, e.g. after a delete); rejects with `WaitTimeoutError` past `deadline`
   * (clock time), or with the signal's reason.
   */
  waitFor(id: string, until: (s: LiveServer | undefined) => boolean, deadline: number, signal?: AbortSignal, onPoll?: (s: LiveServer | undefined) => void): Promise<LiveServer | undefined>;
}

/** How long to wait before the next listing, given what the last one showed of each waiter's server. */
export type PollPace = (seen: readonly (LiveServer | undefined)[]) => number;

/**
 * Polls often while an install may be about to finish, and backs off while every install is far
 * from done: `minMs` at first and whenever a server is booting (the last install stage) or not
 * listed yet, doubling up to `maxMs` while all are still pending or locked. `minMs` should be no
 * less than the listing's cost under the rate budget (one list call per page).
 */
export function adaptivePace(minMs: number, maxMs: number): PollPace {
  let current = minMs;
  return (seen) => {
    const near = seen.some((s) => s === undefined || s.install === 'installingbooting');
    current = near ? minMs : Math.min(maxMs, current * 2);
    return current;
  };
}

/** `pace` is a fixed interval in clock ms, or a `PollPace` asked after every listing. */
export function createServerWatcher(compute: ComputeProvider, clock: Clock, pace: number | PollPace): ServerWatcher {
  const nextInterval: PollPace = typeof pace === 'number' ? () => pace : pace;
  const waiters = new Set<Waiter>();
  let running = false;
  const last = new Map<string, LiveServer | undefined>();

  async function loop(): Promise<void> {
    running = true;
    try {
      while (waiters.size > 0) {
        let servers: LiveServer[];
        try {
          servers = await compute.listServers();
        } catch (err) {
          for (const w of waiters) w.reject(err);
          waiters.clear();
          break;
        }
        const byId = new Map(servers.map((s) => [s.id, s]));
        const seen: (LiveServer | undefined)[] = [];
        for (const w of [...waiters]) {
          const s = byId.get(w.id);
          last.set(w.id, s);
          if (w.until(s)) {
            waiters.delete(w);
            w.resolve(s);
          } else if (clock.now() >= w.deadline) {
            waiters.delete(w);
            w.reject(new WaitTimeoutError(s));
          } else {
            seen.push(s);
            w.onPoll?.(s);
          }
        }
        if (waiters.size > 0) await clock.sleep(nextInterval(seen));
      }
    } finally {
      running = false;
    }
  }

  return {
    waitFor(id, until, deadline, signal, onPoll) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const w: Waiter = {
          id,
          until,
          deadline,
          ...(onPoll ? { onPoll } : {}),
          resolve: (s) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(s);
          },
          reject: (e) => {
            signal?.removeEventListener('abort', onAbort);
            reject(e);
          },
        };
        const onAbort = (): void => {
          waiters.delete(w);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.add(w);
        if (!running) void loop();
      });
    },
  };
}
