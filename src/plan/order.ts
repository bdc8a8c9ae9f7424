/**
 * Ordering: the dependencies no single step can see (a record delete after the set's other changes,
 * a server delete after the records that move off its address), then a stable topological sort.
 */
import { isAddressChange } from './records.ts';
import type { Change } from './types.ts';

function recordFqdnType(c: Change): { fqdn: string; type: string } | undefined {
  const p = c.payload;
  if (p.op === 'record.create' || p.op === 'record.update') return { fqdn: p.record.fqdn, type: p.record.type };
  if (p.op === 'record.delete') return { fqdn: p.record.fqdn, type: p.record.type };
  return undefined;
}

/** Adds cross-step dependencies in place. */
export function linkDependencies(changes: Change[]): void {
  const records = changes.filter((c) => c.kind === 'DNSRecord');
  for (const d of records.filter((c) => c.action === 'delete')) {
    const at = recordFqdnType(d)!;
    // A name is never left without an address mid-apply: the new A/AAAA records land first.
    for (const c of records) {
      if (c.action === 'delete') continue;
      const o = recordFqdnType(c)!;
      const sameSet = o.fqdn === at.fqdn && (o.type === at.type || (isAddressChange(c) && isAddressChange(d)));
      if (sameSet) d.dependsOn.push(c.id);
    }
  }
  for (const s of changes) {
    const p = s.payload;
    if (p.op !== 'server.delete') continue;
    const ips = new Set([p.server.ipv4, p.server.ipv6].filter((x): x is string => Boolean(x)));
    for (const c of records) {
      const q = c.payload;
      const from = q.op === 'record.update' ? q.live.content : q.op === 'record.delete' ? q.record.content : undefined;
      if (from !== undefined && ips.has(from)) s.dependsOn.push(c.id);
    }
  }
}

/** Drops dependencies on changes that are not in the plan, deduplicates, sorts each list. */
export function pruneDependencies(changes: Change[]): void {
  const ids = new Set(changes.map((c) => c.id));
  for (const c of changes) c.dependsOn = [...new Set(c.dependsOn.filter((d) => ids.has(d) && d !== c.id))].sort();
}

const KIND_RANK: Record<Change['kind'], number> = { SSHKey: 0, StartupScript: 0, Snapshot: 0, Server: 1, DNSRecord: 2 };
const ACTION_RANK: Record<Change['action'], number> = { create: 0, replace: 1, update: 2, delete: 3 };

function rank(c: Change): string {
  // Deletes go last overall, then by kind and action, then id: the order is stable for a given input.
  const late = c.action === 'delete' || c.phase === 'destroy-old' ? 1 : 0;
  return `${late}${KIND_RANK[c.kind]}${ACTION_RANK[c.action]}${c.id}`;
}

/** Kahn's algorithm, picking the lowest-ranked ready change each time. Returns the ids left in a cycle, if any. */
export function sortChanges(changes: Change[]): { ordered: Change[]; cycle: string[] } {
  const byId = new Map(changes.map((c) => [c.id, c]));
  const waiting = new Map(changes.map((c) => [c.id, new Set(c.dependsOn.filter((d) => byId.has(d)))]));
  const ordered: Change[] = [];
  const ready = changes.filter((c) => waiting.get(c.id)!.size === 0).map((c) => c.id);
  while (ready.length) {
    ready.sort((a, b) => rank(byId.get(a)!).localeCompare(rank(byId.get(b)!)));
    const id = ready.shift()!;
    ordered.push(byId.get(id)!);
    waiting.delete(id);
    for (const [other, deps] of waiting) {
      if (deps.delete(id) && deps.size === 0) ready.push(other);
    }
  }
  return { ordered, cycle: [...waiting.keys()].sort() };
}
