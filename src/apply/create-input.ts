/**
 * A create request (src/plan/server-request.ts) turned into what the provider receives: names the
 * plan could not resolve to ids are looked up in the catalog, and a name nothing resolves is an
 * error, never a silently smaller server. Apply and the rebuild workflow both create through here.
 */
import { KeelsonError } from '../errors.ts';
import { resolveNamed } from '../model/key-refs.ts';
import type { LiveCatalog } from '../model/live.ts';
import type { ServerCreateRequest } from '../plan/types.ts';
import type { ServerCreateInput } from '../providers/types.ts';

export class ResolveError extends KeelsonError {
  override name = 'ResolveError';
}

export type InputCatalog = Pick<LiveCatalog, 'os' | 'sshKeys' | 'startupScripts'>;

/**
 * The provider's create input for `req`. `snapshotId` is the id resolved at apply time for a
 * snapshot image the plan could not name yet. Pure; throws `ResolveError` naming what is unknown.
 */
export function createInputOf(req: ServerCreateRequest, catalog: InputCatalog | undefined, snapshotId?: string): ServerCreateInput {
  const opTag = req.tags.find((t) => t === `keelson:op=${req.op}`);
  if (!opTag) throw new ResolveError(`[Server/${req.name}] the create carries no operation marker tag`);
  let image: ServerCreateInput['image'];
  if ('os' in req.image) {
    const name = req.image.os;
    const osId = req.image.osId ?? catalog?.os.find((o) => o.name.toLowerCase() === name.toLowerCase())?.id;
    if (osId === undefined) throw new ResolveError(`[Server/${req.name}] unknown OS "${name}"`);
    image = { osId };
  } else {
    const id = snapshotId ?? req.image.snapshotId;
    if (!id) throw new ResolveError(`[Server/${req.name}] snapshot "${req.image.snapshot}" not found`);
    image = { snapshotId: id };
  }
  const sshKeyIds = req.sshKeys.map((k) => {
    const id = k.id ?? (catalog && resolveNamed(catalog.sshKeys, req.ownership.owner, k.name, k.managed)?.id);
    if (!id) throw new ResolveError(`[Server/${req.name}] unknown ssh key "${k.name}"`);
    return id;
  });
  const input: ServerCreateInput = {
    region: req.region,
    plan: req.plan,
    image,
    label: req.label,
    hostname: req.hostname,
    tags: req.tags,
    opTag,
    sshKeyIds,
    enableIpv6: req.enableIpv6,
  };
  if (req.startupScript) {
    const script = req.startupScript;
    const id = script.id ?? (catalog && resolveNamed(catalog.startupScripts, req.ownership.owner, script.name, script.managed)?.id);
    if (!id) throw new ResolveError(`[Server/${req.name}] unknown startup script "${script.name}"`);
    input.scriptId = id;
  }
  if (req.userData) input.userData = req.userData;
  return input;
}
