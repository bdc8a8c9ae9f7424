/**
 * Wraps a provider's rate budget (every attempt goes through it) to kill a workflow in process:
 * after an attempt during which `shouldKill()` turned true, the controller aborts and every later
 * attempt fails at once, as if the process had died with the request sent and the response lost.
 * Also counts attempts in flight for the manual clock driver.
 */
import { aroundAttempts, type RateBudget } from '../../src/providers/rate-budget.ts';

export class Killed extends Error {
  override name = 'Killed';
}

export function killSwitch(ctl: AbortController, inflight: { n: number }, shouldKill: () => boolean = () => false, onCall?: (api: string) => void) {
  return (b: RateBudget): RateBudget =>
    aroundAttempts(b, async (fn) => {
      if (ctl.signal.aborted) throw new Killed('killed');
      onCall?.(b.api);
      inflight.n++;
      try {
        return await fn();
      } finally {
        inflight.n--;
        if (shouldKill()) ctl.abort(new Killed('killed'));
      }
    });
}
