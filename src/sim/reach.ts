/**
 * Reachable mode: every simulated server answers on its own loopback address, following its
 * simulated life — nothing listens while it installs, its ports answer once it is installed, and they
 * are gone when it is halted or destroyed. Per-server faults (down, blackhole, slow, http-status)
 * last a simulated duration. The listeners follow the world on a short wall-clock tick, and at once
 * after every admin change (`sync()` resolves when the sockets match).
 */
import type { IncomingMessage } from 'node:http';
import { instancePhase } from './vultr/lifecycle.ts';
import { openBlackhole, openHttp, openTcp, type PortListener } from './reach-listeners.ts';
import type { SimState } from './state.ts';
import type { SimInstance, SimPort } from './types.ts';

export type ReachFaultKind = 'down' | 'blackhole' | 'slow' | 'http-status';

/** A fault of one server; `durationMs` is simulated time (absent: until removed). */
export interface ReachFaultSpec {
  kind: ReachFaultKind;
  /** `slow`: wall ms before each HTTP answer. */
  ms?: number;
  /** `http-status`: the status the health path answers instead. */
  status?: number;
  durationMs?: number;
}

export interface ReachFault extends ReachFaultSpec {
  id: string;
  instanceId: string;
  /** Simulated epoch ms. */
  since: number;
  until?: number;
}

/** What one server serves now, for assertions (`GET /_sim/reach`). */
export interface ReachView {
  id: string;
  label: string;
  address: string;
  ports: SimPort[];
  state: 'installing' | 'serving' | 'halted' | 'down' | 'blackhole';
  faults: ReachFault[];
  /** HTTP requests and TCP connections answered, per port. */
  answered: Record<string, number>;
  /** The Host header of the last HTTP request. */
  lastHost?: string;
  /** The last error binding one of its ports (e.g. another process holds it). */
  bindError?: string;
}

interface Bound {
  mode: 'serve' | 'blackhole';
  listener: PortListener;
}

const KINDS: readonly ReachFaultKind[] = ['down', 'blackhole', 'slow', 'http-status'];

/** Checks a port list from a seed or the admin API; throws a RangeError naming the problem. */
export function checkPorts(ports: unknown): SimPort[] {
  if (!Array.isArray(ports)) throw new RangeError('ports must be a list of {port, protocol, path?, status?}');
  return ports.map((p: SimPort, i) => {
    if (!(Number.isInteger(p?.port) && p.port > 0 && p.port < 65536)) throw new RangeError(`ports[${i}].port must be 1..65535`);
    if (p.protocol !== 'http' && p.protocol !== 'tcp') throw new RangeError(`ports[${i}].protocol must be http or tcp`);
    if (p.status !== undefined && !(Number.isInteger(p.status) && p.status >= 100 && p.status <= 599)) throw new RangeError(`ports[${i}].status must be 100..599`);
    return { port: p.port, protocol: p.protocol, ...(p.protocol === 'http' && { path: p.path ?? '/health', status: p.status ?? 200 }) };
  });
}

/** `http:8080/health`, `http:8080/health=503`, `tcp:5432` (the `--serve` flag) → a port. */
export function parsePortSpec(text: string): SimPort {
  const m = /^(http|tcp):(\d+)(\/[^=\s]*)?(?:=(\d{3}))?$/.exec(text);
  if (!m || (m[1] === 'tcp' && (m[3] || m[4]))) throw new RangeError(`cannot read port ${JSON.stringify(text)}: use http:PORT[/PATH][=STATUS] or tcp:PORT`);
  return checkPorts([{ protocol: m[1] as SimPort['protocol'], port: Number(m[2]), ...(m[3] && { path: m[3] }), ...(m[4] && { status: Number(m[4]) }) }])[0]!;
}

export class Reachability {
  private readonly bound = new Map<string, Bound>();
  private readonly faults = new Map<string, ReachFault>();
  private readonly answered = new Map<string, Map<number, number>>();
  private readonly lastHost = new Map<string, string>();
  private readonly bindErrors = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private nextFault = 1;
  private stopped = false;

  constructor(
    private readonly state: SimState,
    private readonly defaults: SimPort[],
  ) {}

  /** Starts following the world (every `tickMs` of wall time). */
  start(tickMs = 50): void {
    this.timer = setInterval(() => void this.sync(), tickMs);
    this.timer.unref();
  }

  /** Makes the sockets match the world now; serialized, so concurrent calls queue. */
  sync(): Promise<void> {
    this.chain = this.chain.then(() => this.syncOnce()).catch(() => undefined);
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.chain;
    await Promise.all([...this.bound.values()].map((b) => b.listener.close()));
    this.bound.clear();
  }

  portsOf(inst: SimInstance): SimPort[] {
    return inst.ports ?? this.defaults;
  }

  addFault(instanceId: string, spec: ReachFaultSpec): ReachFault {
    if (!KINDS.includes(spec.kind)) throw new RangeError(`fault kind must be one of ${KINDS.join(', ')}`);
    if (spec.kind === 'slow' && !(Number(spec.ms) >= 0)) throw new RangeError('a slow fault needs ms >= 0');
    if (spec.kind === 'http-status' && !(Number.isInteger(spec.status) && spec.status! >= 100 && spec.status! <= 599)) throw new RangeError('an http-status fault needs a status 100..599');
    if (spec.durationMs !== undefined && !(spec.durationMs > 0)) throw new RangeError('durationMs must be positive');
    const since = this.state.clock.now();
    const fault: ReachFault = {
      id: `rf${this.nextFault++}`, instanceId, kind: spec.kind, since,
      ...(spec.ms !== undefined && { ms: Number(spec.ms) }), ...(spec.status !== undefined && { status: spec.status }),
      ...(spec.durationMs !== undefined && { durationMs: spec.durationMs, until: since + spec.durationMs }),
    };
    this.faults.set(fault.id, fault);
    return { ...fault };
  }

  clearFaults(instanceId: string): number {
    let n = 0;
    for (const [id, f] of this.faults) if (f.instanceId === instanceId && this.faults.delete(id)) n++;
    return n;
  }

  /** The faults of one server in force now (expired ones are dropped). */
  activeFaults(instanceId: string): ReachFault[] {
    const now = this.state.clock.now();
    for (const [id, f] of this.faults) if (f.until !== undefined && now >= f.until) this.faults.delete(id);
    return [...this.faults.values()].filter((f) => f.instanceId === instanceId);
  }

  view(inst: SimInstance): ReachView {
    const answered = Object.fromEntries([...(this.answered.get(inst.id) ?? new Map<number, number>())].map(([p, n]) => [String(p), n]));
    const host = this.lastHost.get(inst.id);
    const err = this.bindErrors.get(inst.id);
    return {
      id: inst.id, label: inst.label, address: inst.ip, ports: this.portsOf(inst), state: this.stateOf(inst), faults: this.activeFaults(inst.id), answered,
      ...(host !== undefined && { lastHost: host }), ...(err !== undefined && { bindError: err }),
    };
  }

  private stateOf(inst: SimInstance): ReachView['state'] {
    if (inst.power_status !== 'running' || inst.suspended) return 'halted';
    if (instancePhase(inst, this.state.clock.now()).server_status !== 'ok') return 'installing';
    const kinds = this.activeFaults(inst.id).map((f) => f.kind);
    if (kinds.includes('down')) return 'down';
    if (kinds.includes('blackhole')) return 'blackhole';
    return 'serving';
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const want = new Map<string, { inst: SimInstance; port: SimPort; mode: Bound['mode'] }>();
    for (const inst of this.state.world.instances.values()) {
      const s = this.stateOf(inst);
      if (s !== 'serving' && s !== 'blackhole') continue;
      for (const port of this.portsOf(inst)) want.set(`${inst.ip}:${port.port}`, { inst, port, mode: s === 'blackhole' ? 'blackhole' : 'serve' });
    }
    const closing: Promise<void>[] = [];
    for (const [key, b] of this.bound) {
      if (want.get(key)?.mode === b.mode) continue;
      this.bound.delete(key);
      closing.push(b.listener.close());
    }
    await Promise.all(closing);
    await Promise.all([...want].filter(([key]) => !this.bound.has(key)).map(([key, w]) => this.open(key, w.inst, w.port, w.mode)));
  }

  private async open(key: string, inst: SimInstance, port: SimPort, mode: Bound['mode']): Promise<void> {
    try {
      const listener = mode === 'blackhole' ? await openBlackhole(inst.ip, port.port)
        : port.protocol === 'tcp' ? await openTcp(inst.ip, port, () => (this.count(inst.id, port.port), `keelson-sim ${inst.label || inst.id}`))
        : await openHttp(inst.ip, port, (req, health) => this.answer(inst.id, port, req, health));
      this.bound.set(key, { mode, listener });
      this.bindErrors.delete(inst.id);
    } catch (err) {
      this.bindErrors.set(inst.id, `${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private count(id: string, port: number): void {
    const m = this.answered.get(id) ?? new Map<number, number>();
    m.set(port, (m.get(port) ?? 0) + 1);
    this.answered.set(id, m);
  }

  private answer(id: string, port: SimPort, req: IncomingMessage, health: boolean): { status: number; delayMs: number; body: Record<string, unknown> } {
    this.count(id, port.port);
    if (req.headers.host !== undefined) this.lastHost.set(id, req.headers.host);
    const faults = this.activeFaults(id);
    const delayMs = Math.max(0, ...faults.filter((f) => f.kind === 'slow').map((f) => f.ms ?? 0));
    const forced = faults.find((f) => f.kind === 'http-status')?.status;
    const status = health ? (forced ?? port.status ?? 200) : 404;
    return { status, delayMs, body: { instance: id, path: req.url ?? '/', host: req.headers.host ?? null, status } };
  }
}
