/**
 * A logical server's live instances, read from ownership tags alone: the current one and, while a
 * rebuild (or a planned replace) is under way, its successor. This is how every rerun (the CLI, apply,
 * the controller) recognises a rebuild in progress without any state of its own.
 */
import type { LiveServer } from './live.ts';
import { isOwnedBy } from './ownership.ts';

export interface ServerFamily {
  name: string;
  /** The serving instance (the predecessor while a rebuild is in progress). */
  current?: LiveServer;
  /** A successor whose predecessor still exists: a rebuild in progress. */
  successor?: LiveServer;
  /** Further owned instances with this name that fit neither role (duplicates; never touched by rebuilds). */
  extra: LiveServer[];
}

/** The owned instances named `name`, sorted into their roles. Pure. */
export function serverFamily(servers: readonly LiveServer[], owner: string, name: string): ServerFamily {
  const mine = servers.filter((s) => isOwnedBy(s.ownership, owner) && s.ownership.name === name);
  const ids = new Set(mine.map((s) => s.id));
  const successor = mine.find((s) => s.ownership?.successorOf !== undefined && ids.has(s.ownership.successorOf));
  if (successor) {
    const current = mine.find((s) => s.id === successor.ownership!.successorOf);
    return { name, current, successor, extra: mine.filter((s) => s !== current && s !== successor) };
  }
  const [first, ...rest] = [...mine].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { name, current: first, extra: rest };
}

/** Every logical server with a rebuild in progress, by name. Pure. */
export function rebuildsInProgress(servers: readonly LiveServer[], owner: string): ServerFamily[] {
  const names = new Set(servers.filter((s) => isOwnedBy(s.ownership, owner) && s.ownership.successorOf).map((s) => s.ownership!.name));
  return [...names].sort().map((n) => serverFamily(servers, owner, n)).filter((f) => f.successor);
}
