import type { SimClock } from './clock.ts';
import type { SimResponseEvent } from './server.ts';
import type { SimTokens } from './auth.ts';
import type { ForeignRef, WorldData } from './types.ts';
import type { SimLimits, SimTimings } from './settings.ts';
import type { StateSaver } from './persistence.ts';
import type { FaultBook } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Router } from './router.ts';
import { World } from './world.ts';

/** A change made to a resource that belongs to someone else. */
export interface ForeignTouch extends ForeignRef {
  endpoint: string;
  /** Simulated epoch ms. */
  at: number;
}

/** Latency added to every API call (wall-clock ms): `latencyMs` plus up to `jitterMs` more. */
export interface LatencySettings {
  latencyMs: number;
  jitterMs: number;
}

/** Everything one running simulator holds; shared by the HTTP layer and the admin API. */
export class SimState {
  world: World;
  readonly counters = new Map<string, number>();
  readonly touches: ForeignTouch[] = [];

  constructor(
    readonly seed: WorldData,
    readonly clock: SimClock,
    readonly router: Router,
    readonly faults: FaultBook,
    readonly rateLimiter: RateLimiter,
    readonly tokens: SimTokens,
    readonly timings: SimTimings,
    readonly limits: SimLimits,
    public latency: LatencySettings,
    private readonly random: () => number,
    readonly saver: StateSaver | undefined,
    readonly onResponse: ((e: SimResponseEvent) => void) | undefined,
    /** Reachable mode: instances get loopback addresses (see reach.ts). */
    readonly loopback = false,
  ) {
    this.world = new World(seed, { loopback });
  }

  count(endpoint: string): void {
    this.counters.set(endpoint, (this.counters.get(endpoint) ?? 0) + 1);
  }

  delay(): Promise<void> {
    const ms = this.latency.latencyMs + (this.latency.jitterMs > 0 ? this.random() * this.latency.jitterMs : 0);
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /**
   * A request changed the world: note foreign touches and save. Resolves once the change is on
   * disk (at once without a state file), so the caller can answer only when the write is durable.
   */
  changed(endpoint: string, touched: ForeignRef[]): Promise<void> {
    for (const ref of touched) if (this.world.isForeign(ref)) this.touches.push({ ...ref, endpoint, at: this.clock.now() });
    return this.saver ? this.saver.commit() : Promise.resolve();
  }

  /** Back to the seed world (counters, faults and touches are left alone). */
  resetWorld(): void {
    this.world = new World(this.seed, { loopback: this.loopback });
    this.saver?.schedule();
  }
}
