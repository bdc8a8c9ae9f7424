import type { SimInstance } from '../types.ts';
import { utcDay } from '../clock.ts';

/** What a client sees of an instance's progress at a moment. */
export interface InstancePhase {
  status: 'pending' | 'active' | 'suspended' | 'resizing';
  server_status: 'none' | 'locked' | 'installingbooting' | 'ok';
  /** False while `main_ip` must read `0.0.0.0`. */
  hasIp: boolean;
  /** Simulated ms at which the phase next changes (Infinity when settled). */
  changesAt: number;
}

// Share of an install spent in each stage: pending (no IP), locked, then installingbooting.
const PENDING_UNTIL = 0.2;
const LOCKED_UNTIL = 0.4;

/**
 * Derives status from the install in progress and the clock: a fresh install goes
 * pending/none/0.0.0.0 → active/locked → active/installingbooting → active/ok.
 */
export function instancePhase(inst: SimInstance, now: number): InstancePhase {
  const { kind, startedAt, durationMs } = inst.install;
  const at = (f: number) => startedAt + durationMs * f;
  const done = startedAt + durationMs;
  const base = inst.suspended ? 'suspended' : 'active';
  if (now >= done) return { status: base, server_status: 'ok', hasIp: true, changesAt: Infinity };
  switch (kind) {
    case 'os':
    case 'snapshot':
      if (now < at(PENDING_UNTIL)) return { status: 'pending', server_status: 'none', hasIp: false, changesAt: at(PENDING_UNTIL) };
      if (now < at(LOCKED_UNTIL)) return { status: base, server_status: 'locked', hasIp: true, changesAt: at(LOCKED_UNTIL) };
      return { status: base, server_status: 'installingbooting', hasIp: true, changesAt: done };
    case 'reinstall':
      if (now < at(LOCKED_UNTIL)) return { status: base, server_status: 'locked', hasIp: true, changesAt: at(LOCKED_UNTIL) };
      return { status: base, server_status: 'installingbooting', hasIp: true, changesAt: done };
    case 'reboot':
      return { status: base, server_status: 'installingbooting', hasIp: true, changesAt: done };
    case 'resize':
      return { status: 'resizing', server_status: 'locked', hasIp: true, changesAt: done };
  }
}

/** When a fresh install leaves `pending`, i.e. when traffic may start. */
export function firstActiveAt(inst: SimInstance): number {
  const { kind, startedAt, durationMs } = inst.install;
  return kind === 'os' || kind === 'snapshot' ? startedAt + durationMs * PENDING_UNTIL : startedAt;
}

/** Bytes/second in and out for an instance: steady, but different per instance (from its id). */
function trafficRates(id: string): { inRate: number; outRate: number } {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return { inRate: 10_000 + (h % 50_000), outRate: 20_000 + ((h >>> 8) % 100_000) };
}

const DAY_MS = 86_400_000;

/**
 * Adds the traffic of [meteredUntil, now] to the per-day counters while the instance runs.
 * Deterministic in simulated time; safe to call as often as wanted. Returns the updated instance.
 */
export function settleBandwidth(inst: SimInstance, now: number): SimInstance {
  const from = Math.max(inst.meteredUntil, firstActiveAt(inst));
  if (now <= from) return inst;
  if (inst.power_status !== 'running' || inst.suspended) return { ...inst, meteredUntil: now };
  const { inRate, outRate } = trafficRates(inst.id);
  const bandwidth = { ...inst.bandwidth };
  for (let t = from; t < now; ) {
    const dayEnd = Math.min(now, (Math.floor(t / DAY_MS) + 1) * DAY_MS);
    const secs = (dayEnd - t) / 1000;
    const key = utcDay(t);
    const prev = bandwidth[key] ?? { incoming_bytes: 0, outgoing_bytes: 0 };
    bandwidth[key] = {
      incoming_bytes: prev.incoming_bytes + Math.round(secs * inRate),
      outgoing_bytes: prev.outgoing_bytes + Math.round(secs * outRate),
    };
    t = dayEnd;
  }
  return { ...inst, bandwidth, meteredUntil: now };
}
