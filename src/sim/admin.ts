import type { SimState, ForeignTouch, LatencySettings } from './state.ts';
import type { Fault, FaultSpec } from './faults.ts';
import type { ForeignRef, WorldData } from './types.ts';
import type { RateLimitSettings } from './settings.ts';
import type { SimInstance, SimPort } from './types.ts';
import { checkPorts, type Reachability, type ReachFault, type ReachFaultSpec, type ReachView } from './reach.ts';
import { foreignKey } from './world.ts';

/**
 * Control of a running simulator, in-process; the same operations are served as JSON under
 * `/_sim/` (see admin-http.ts). Nothing here goes through auth, rate limits, faults or counters.
 */
export class SimAdmin {
  constructor(
    private readonly state: SimState,
    private readonly reachability?: Reachability,
  ) {}

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
    void this.reachability?.sync();
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

  /** Reachable mode: what every server serves on its loopback address now. */
  reach(): ReachView[] {
    const r = this.reach$();
    return [...this.state.world.instances.values()].map((i) => r.view(i));
  }

  /** Reachable mode: one server's view; `ref` is an instance id, its address, or a label only one server has. */
  reachOf(ref: string): ReachView {
    return this.reach$().view(this.instance(ref));
  }

  /** Reachable mode: the ports a server serves (`[]`: none, so a test may bind its own servers there). */
  async setPorts(ref: string, ports: SimPort[]): Promise<ReachView> {
    const inst = this.instance(ref);
    const next = { ...inst, ports: checkPorts(ports) };
    this.state.world.instances.set(inst.id, next);
    this.state.saver?.schedule();
    await this.reach$().sync();
    return this.reach$().view(next);
  }

  /** Reachable mode: a fault on one server (down, blackhole, slow, http-status), for `durationMs` of simulated time. */
  async addReachFault(ref: string, spec: ReachFaultSpec): Promise<ReachFault> {
    const f = this.reach$().addFault(this.instance(ref).id, spec);
    await this.reach$().sync();
    return f;
  }

  async clearReachFaults(ref: string): Promise<number> {
    const n = this.reach$().clearFaults(this.instance(ref).id);
    await this.reach$().sync();
    return n;
  }

  /** Reachable mode: resolves once every server's sockets match its life and faults at this moment. */
  async syncReachable(): Promise<void> {
    await this.reach$().sync();
  }

  private reach$(): Reachability {
    if (!this.reachability) throw new RangeError('the simulator was not started reachable (keelson sim --reachable)');
    return this.reachability;
  }

  private instance(ref: string): SimInstance {
    const all = [...this.state.world.instances.values()];
    const byId = all.find((i) => i.id === ref || i.ip === ref);
    if (byId) return byId;
    const named = all.filter((i) => i.label === ref);
    if (named.length === 1) return named[0]!;
    throw new RangeError(named.length ? `${named.length} instances are labelled ${ref}; use an id` : `no instance ${ref}`);
  }

  /** Every served `METHOD template`. */
  endpoints(): string[] {
    return this.state.router.endpoints();
  }
}
