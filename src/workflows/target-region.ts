/**
 * Where a rebuild puts the new server. Pure, and a function of the old server's region alone, so a
 * rerun after a crash picks the same region the first run picked.
 */
import type { ServerSpec } from '../model/types.ts';

/**
 * The region a rebuild of a server now in `current` builds in: an explicit override wins; with
 * `rotateRegions`, the region after `current` in the rotation (the first when `current` is not in it);
 * otherwise the server stays where it is.
 */
export function targetRegion(spec: ServerSpec, current: string, override?: string): string {
  if (override) return override;
  const regions = spec.rebuild?.regions ?? [];
  if (!spec.rebuild?.rotateRegions || regions.length === 0) return current;
  const i = regions.indexOf(current);
  return regions[(i + 1) % regions.length]!;
}
