/**
 * Drives a simulator with a manual clock from a workflow's sleeps: whenever the workflow is parked in
 * `clock.sleep` and no provider call is in flight, simulated time moves forward one second at a time
 * (calling `probe` at every second) until the earliest sleeper is due. Deterministic: no wall-clock waits.
 */
import type { SimAdmin } from '../../src/sim/index.ts';
import type { Clock } from '../../src/workflows/clock.ts';

interface Sleeper {
  until: number;
  resolve: () => void;
}

export interface ManualDriver {
  clock: Clock;
  /** Provider calls in flight; the test's budget wrapper maintains it. */
  inflight: { n: number };
  /** Runs until `work` settles, moving time whenever everything is parked. */
  run<T>(work: Promise<T>): Promise<T>;
  /** Simulated seconds stepped so far. */
  readonly seconds: number;
}

const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

export function manualDriver(admin: SimAdmin, probe: () => void = () => undefined): ManualDriver {
  const sleepers = new Set<Sleeper>();
  const inflight = { n: 0 };
  let seconds = 0;
  const clock: Clock = {
    now: () => admin.now(),
    sleep: (ms) => new Promise<void>((resolve) => {
      sleepers.add({ until: admin.now() + Math.max(0, ms), resolve });
    }),
  };
  return {
    clock,
    inflight,
    get seconds() {
      return seconds;
    },
    async run<T>(work: Promise<T>): Promise<T> {
      let settled = false;
      const done = work.finally(() => {
        settled = true;
      });
      done.catch(() => undefined);
      while (!settled) {
        for (let i = 0; i < 5; i++) await macrotask();
        if (settled || sleepers.size === 0 || inflight.n > 0) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const target = Math.min(...[...sleepers].map((s) => s.until));
        while (admin.now() < target) {
          admin.advance(Math.min(1000, target - admin.now()));
          seconds++;
          probe();
        }
        for (const s of [...sleepers]) {
          if (s.until <= admin.now()) {
            sleepers.delete(s);
            s.resolve();
          }
        }
      }
      return done;
    },
  };
}
