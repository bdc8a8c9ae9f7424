import type { SimState, ForeignTouch, LatencySettings } from './state.ts';
import type { Fault, FaultSpec } from './faults.ts';
import type { ForeignRef, WorldData } from './types.ts';
import type { RateLimitSettings } from './settings.ts';
import { foreignKey } from './world.ts';

/**
 * Control of a running simulator, in-process; the same operations are served as JSON under
 * `/_sim/` (see admin-http.ts). Nothing here goes through auth, rate limits, faults or counters.
 */
export class SimAdmin {
  constructor(private readonly state: SimState) {}

  /** Calls received per `METHOD template` (e.g. `POST /v2/instances`), including refused ones. */
  counters(): Record<string, number> {
    return Object.fromEntries(this.state.counters);
  }

  /** Calls received for one endpoint (0 when none). */
  count(endpoint: string): number {
    return this.state.counters.get(endpoint) ?? 0;
  }

  resetCounters(): void {
    this.state.counters.clear();
  }

  addFault(spec: FaultSpec): Fault {
    return { ...this.state.faults.add(spec) };
  }

  faults(): Fault[] {
    return this.state.faults.all();
  }

  removeFault(id: string): boolean {
    return this.state.faults.remove(id);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  latency(): LatencySettings {
    return { ...this.state.latency };
  }

  setLatency(latency: Partial<LatencySettings>): void {
    const next = { ...this.state.latency, ...latency };
    if (!(next.latencyMs >= 0 && next.jitterMs >= 0)) throw new RangeError('latency and jitter must be non-negative numbers of ms');
    this.state.latency = next;
  }

  rateLimits(): RateLimitSettings {
    return { ...this.state.rateLimiter.settings };
  }

  /** Changes the rate limits (and starts fresh windows). */
  setRateLimits(settings: Partial<RateLimitSettings>): void {
    this.state.rateLimiter.settings = { ...this.state.rateLimiter.settings, ...settings };
    this.state.rateLimiter.reset();
  }

  /** Simulated epoch ms. */
  now(): number {
    return this.state.clock.now();
  }

  /** Moves simulated time forward; installs, snapshots and bandwidth follow. */
  advance(ms: number): number {
    this.state.clock.advance(ms);
    this.state.saver?.schedule();
    return this.state.clock.now();
  }

  /** A deep copy of the world, for assertions. */
  dump(): WorldData {
    return this.state.world.toData(this.state.clock.now());
  }

  /** Restores the seed world. */
  reset(): void {
    this.state.resetWorld();
  }

  /** Marks a resource as someone else's: changes to it are then recorded in `foreignTouches()`. */
  markForeign(ref: ForeignRef): void {
    this.state.world.foreign.set(foreignKey(ref), { kind: ref.kind, id: ref.id });
    this.state.saver?.schedule();
  }

  foreign(): ForeignRef[] {
    return [...this.state.world.foreign.values()];
  }

  /** Every change made to a foreign resource since start (should stay empty for keelson). */
  foreignTouches(): ForeignTouch[] {
    return this.state.touches.map((t) => ({ ...t }));
  }

  /** Writes the state file now (no-op without `statePath`). */
  async save(): Promise<void> {
    await this.state.saver?.saveNow();
  }

  /** Every served `METHOD template`. */
  endpoints(): string[] {
    return this.state.router.endpoints();
  }
}
