/**
 * What must hold at every simulated second of a rebuild, read from the simulator's own world: each
 * name has an A record, and every address it points at belongs to an installed, running instance.
 * Also the end-state counts: owned instances per name (no duplicates, no leaks).
 */
import type { SimAdmin } from '../../src/sim/index.ts';
import { parseServerTags } from '../../src/model/ownership.ts';

/** Violations of "the name resolves to a live server" right now (empty when it holds). */
export function resolveViolations(admin: SimAdmin, fqdns: string[]): string[] {
  const w = admin.dump();
  const now = admin.now();
  const live = new Set(
    w.vultr.instances.filter((i) => i.power_status === 'running' && i.install.startedAt + i.install.durationMs <= now).map((i) => i.ip),
  );
  const out: string[] = [];
  for (const fqdn of fqdns) {
    const recs = w.cloudflare.records.filter((r) => r.name === fqdn && r.type === 'A');
    if (recs.length === 0) out.push(`${new Date(now).toISOString()} ${fqdn}: no A record`);
    for (const r of recs) if (!live.has(r.content)) out.push(`${new Date(now).toISOString()} ${fqdn}: ${r.content} is not a live server`);
  }
  return out;
}

/** Owned instances per manifest name. */
export function ownedInstances(admin: SimAdmin, owner: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of admin.dump().vultr.instances) {
    const o = parseServerTags(i.tags).marks?.ownership;
    if (o?.owner !== owner) continue;
    out.set(o.name, [...(out.get(o.name) ?? []), i.id]);
  }
  return out;
}

/** A probe that records violations instead of throwing (it runs inside the simulator's callbacks). */
export function violationRecorder(getAdmin: () => SimAdmin | undefined, fqdns: string[]): { probe: () => void; violations: string[] } {
  const violations: string[] = [];
  return {
    violations,
    probe: () => {
      const admin = getAdmin();
      if (admin) violations.push(...resolveViolations(admin, fqdns));
    },
  };
}
