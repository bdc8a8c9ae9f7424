/**
 * How a Server's ssh key and startup script names find their provider objects, shared by the planner,
 * apply and the rebuild workflow: an owner's managed object by its ownership marker's manifest name,
 * otherwise an object uploaded by hand under exactly that name (never someone else's marked one).
 */
import { parseNameMarker } from './ownership.ts';

interface Named {
  id: string;
  name: string;
}

const byId = (a: Named, b: Named): number => a.id.localeCompare(b.id);

/** This owner's marked objects for manifest name `name`, lowest id first (the one kept when there are several). */
export function ownedNamed<T extends Named>(items: readonly T[], owner: string, name: string): T[] {
  return items.filter((i) => {
    const o = parseNameMarker(i.name).ownership;
    return o?.owner === owner && o.name === name;
  }).sort(byId);
}

/** An object uploaded by hand under exactly `name`: it carries no keelson marker at all. */
export function unmarkedNamed<T extends Named>(items: readonly T[], name: string): T | undefined {
  return items.filter((i) => i.name === name && !parseNameMarker(i.name).ownership).sort(byId)[0];
}

/** The object a name resolves to: `managed` looks only at this owner's marked objects. */
export function resolveNamed<T extends Named>(items: readonly T[], owner: string, name: string, managed?: boolean): T | undefined {
  const own = ownedNamed(items, owner, name)[0];
  if (own || managed) return own;
  return unmarkedNamed(items, name);
}
