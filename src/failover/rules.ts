/**
 * What one record set's DNS should hold, from its targets' health: the rules of failover. Pure.
 * - Never fewer than `minHealthy` records (capped at the targets that have an address): down targets
 *   beyond that stay in DNS, those already there first ("held at minimum").
 * - Every target down at once is a problem with the prober, not with the servers: nothing more is
 *   removed ("prober suspect"), like Route 53 answering with every record when all are unhealthy.
 */
import type { TargetHealth } from './health.ts';

export interface GroupVerdict {
  /** Targets whose records are out of DNS. */
  held: Set<string>;
  /** Down targets kept in DNS because of minHealthy. */
  keptAtMinimum: string[];
  suspect: boolean;
}

/**
 * `targets` are the group's targets that have an address, in manifest order; `prevHeld` what is out
 * of DNS now. Targets without an address are neither probed nor counted.
 */
export function decideGroup(targets: readonly string[], health: ReadonlyMap<string, TargetHealth>, prevHeld: ReadonlySet<string>, minHealthy: number): GroupVerdict {
  const down = targets.filter((t) => health.get(t)?.health === 'down');
  if (targets.length > 0 && down.length === targets.length) {
    return { held: new Set([...prevHeld].filter((t) => targets.includes(t))), keptAtMinimum: [], suspect: true };
  }
  const floor = Math.min(minHealthy, targets.length);
  const held = new Set(down);
  const keptAtMinimum: string[] = [];
  // Keep down targets in DNS until the floor holds: those still in DNS first (no write), then in order.
  const order = [...down.filter((t) => !prevHeld.has(t)), ...down.filter((t) => prevHeld.has(t))];
  for (const t of order) {
    if (targets.length - held.size >= floor) break;
    held.delete(t);
    keptAtMinimum.push(t);
  }
  return { held, keptAtMinimum, suspect: false };
}
