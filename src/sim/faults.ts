/** What an injected fault does to a call: an HTTP error status, a dropped connection, or no answer at all. */
export type FaultEffect = 429 | 500 | 502 | 503 | 'reset' | 'timeout';

/**
 * A fault to inject. `endpoint` is `METHOD template` as the counters name it (e.g.
 * `POST /v2/instances`), with `*` for either part (`*` alone matches every API call).
 * Random faults set `rate` (0..1); scripted faults set `nth` (the nth matching call counted from
 * when the fault was added, 1-based). `times` caps how often it fires (default: once for `nth`,
 * unlimited otherwise). With `after: true` the call is carried out first and the fault replaces
 * the answer ("creates the server, then drops the connection before answering").
 */
export interface FaultSpec {
  endpoint: string;
  effect: FaultEffect;
  rate?: number;
  nth?: number;
  times?: number;
  after?: boolean;
}

/** A fault as registered, with how many matching calls it has seen and how often it fired. */
export interface Fault extends FaultSpec {
  id: string;
  seen: number;
  fired: number;
}

const EFFECTS: readonly FaultEffect[] = [429, 500, 502, 503, 'reset', 'timeout'];

/** Checks a fault spec from the admin API or options; throws a RangeError naming the problem. */
export function checkFaultSpec(spec: FaultSpec): FaultSpec {
  if (typeof spec !== 'object' || spec === null) throw new RangeError('a fault must be an object');
  if (typeof spec.endpoint !== 'string' || !/^(\*|[A-Z]+ \S+)$/.test(spec.endpoint)) throw new RangeError(`fault endpoint must be "METHOD /path/template" or "*", got ${JSON.stringify(spec.endpoint)}`);
  if (!EFFECTS.includes(spec.effect)) throw new RangeError(`fault effect must be one of ${EFFECTS.join(', ')}`);
  if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) throw new RangeError('fault rate must be within 0..1');
  if (spec.nth !== undefined && !(Number.isInteger(spec.nth) && spec.nth >= 1)) throw new RangeError('fault nth must be a positive integer');
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 1)) throw new RangeError('fault times must be a positive integer');
  return spec;
}

function matches(pattern: string, key: string): boolean {
  if (pattern === '*') return true;
  const [pm, pt] = pattern.split(' ');
  const [km, kt] = key.split(' ');
  return (pm === '*' || pm === km) && (pt === '*' || pt === kt);
}

/** Seeded PRNG (mulberry32), so random faults and jitter repeat for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The registered faults; `pick` is called once per API call and decides which fault (if any) fires. */
export class FaultBook {
  private list: Fault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...checkFaultSpec(spec), id: `f${this.nextId++}`, seen: 0, fired: 0 };
    this.list.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length < before;
  }

  clear(): void {
    this.list = [];
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f }));
  }

  /** Counts the call against every matching fault; returns the first that fires. */
  pick(key: string): Fault | undefined {
    let chosen: Fault | undefined;
    for (const f of this.list) {
      if (!matches(f.endpoint, key)) continue;
      f.seen++;
      if (chosen) continue;
      const cap = f.times ?? (f.nth !== undefined ? 1 : Infinity);
      if (f.fired >= cap) continue;
      const due = f.nth !== undefined ? f.seen >= f.nth : true;
      if (due && (f.rate === undefined || this.random() < f.rate)) {
        f.fired++;
        chosen = f;
      }
    }
    return chosen;
  }
}
