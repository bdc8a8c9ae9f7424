import type { Route } from '../http-types.ts';
import { catalogRoutes } from './catalog.ts';
import { instanceRoutes } from './instances.ts';
import { keyRoutes } from './keys.ts';
import { reservedIpRoutes } from './reserved-ips.ts';
import { snapshotRoutes } from './snapshots.ts';

/** The Vultr v2 endpoints the simulator serves. */
export function vultrRoutes(): Route[] {
  return [...instanceRoutes(), ...snapshotRoutes(), ...catalogRoutes(), ...keyRoutes(), ...reservedIpRoutes()];
}
