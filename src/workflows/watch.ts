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
  waitFor(id: string, until: (s: LiveServer | undefined) => boolean, deadline: number, signal?: AbortSignal): Promise<LiveServer | undefined>;
}

export function createServerWatcher(compute: ComputeProvider, clock: Clock, intervalMs: number): ServerWatcher {
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
        for (const w of [...waiters]) {
          const s = byId.get(w.id);
          last.set(w.id, s);
          if (w.until(s)) {
            waiters.delete(w);
            w.resolve(s);
          } else if (clock.now() >= w.deadline) {
            waiters.delete(w);
            w.reject(new WaitTimeoutError(s));
          }
        }
        if (waiters.size > 0) await clock.sleep(intervalMs);
      }
    } finally {
      running = false;
    }
  }

  return {
    waitFor(id, until, deadline, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const w: Waiter = {
          id,
          until,
          deadline,
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
