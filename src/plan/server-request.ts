/**
 * The desired side of a server: its create request, built from the manifest and resolved against the
 * catalog, and the create hash that stands in for the inputs the provider cannot report back.
 */
import { formatServerTags } from '../model/ownership.ts';
import type { LiveCatalog, LiveSnapshot } from '../model/live.ts';
import type { ServerDoc } from '../model/types.ts';
import { snapshotOwnership, type PlanContext } from './context.ts';
import { shortHash } from './hash.ts';
import { normalizeTags } from './normalize.ts';
import type { ImageRequest, ProviderRef, ServerCreateRequest } from './types.ts';
import { resolveKeyRef } from './keys.ts';
import { resolveNamed } from '../model/key-refs.ts';

/**
 * Hash of the create-time inputs Vultr never reports back: ssh keys, startup script, user data, the
 * image snapshot, IPv6. Stored in the `keelson:spec` tag; a different hash means a replacement.
 */
export function serverCreateHash(doc: ServerDoc): string {
  const s = doc.spec;
  return shortHash({
    v: 1,
    sshKeys: [...s.sshKeys].sort(),
    startupScript: s.startupScript,
    userData: s.userData,
    snapshot: 'snapshot' in s.image ? s.image.snapshot : undefined,
    enableIpv6: s.enableIpv6,
  });
}

export function desiredHostname(doc: ServerDoc): string {
  return (doc.spec.hostname ?? doc.metadata.name).toLowerCase();
}

/** Owned, not deleted snapshots carrying manifest name `name`, newest first. */
export function ownedSnapshots(ctx: PlanContext, name: string): LiveSnapshot[] {
  return ctx.live.snapshots
    .filter((s) => s.status !== 'deleted')
    .filter((s) => {
      const o = snapshotOwnership(s);
      return o?.owner === ctx.owner && o.name === name;
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

function resolveImage(ctx: PlanContext, doc: ServerDoc): { image: ImageRequest; dependsOn: string[] } {
  const img = doc.spec.image;
  if ('os' in img) {
    const os = ctx.live.catalog.os.find((o) => o.name.toLowerCase() === img.os.toLowerCase());
    return { image: os ? { os: os.name, osId: os.id } : { os: img.os }, dependsOn: [] };
  }
  const snaps = ownedSnapshots(ctx, img.snapshot);
  const complete = snaps.find((s) => s.status === 'complete');
  if (complete) return { image: { snapshot: img.snapshot, snapshotId: complete.id, waitForComplete: false }, dependsOn: [] };
  const pending = snaps[0];
  if (pending) return { image: { snapshot: img.snapshot, snapshotId: pending.id, waitForComplete: true }, dependsOn: [] };
  return { image: { snapshot: img.snapshot, waitForComplete: true }, dependsOn: [`Snapshot/${img.snapshot}#create`] };
}

/** The catalog names a create request resolves to ids. */
export type CreateCatalog = Pick<LiveCatalog, 'sshKeys' | 'startupScripts'>;

/** What besides the manifest decides a create request. */
export interface CreateRequestOptions {
  owner: string;
  catalog: CreateCatalog;
  image: ImageRequest;
  /** The live server the new one replaces (a replace, a rebuild): marked in the ownership tag. */
  successorOf?: string;
  /** Where to build when not the manifest's region (a rotating rebuild). */
  region?: string;
  /** The operation id; default derived from the inputs, so a retried create finds what it made. */
  op?: string;
  /** Key and script names the manifests declare (SSHKey, StartupScript): found only by this owner's markers. */
  managed?: { sshKeys: ReadonlySet<string>; startupScripts: ReadonlySet<string> };
}

/** A Server's name for a key or script, resolved to the provider object it means when one exists. */
function providerRef(items: CreateCatalog['sshKeys'], owner: string, name: string, managed: boolean): ProviderRef {
  const found = resolveNamed(items, owner, name, managed);
  return { name, ...(managed ? { managed: true } : {}), ...(found ? { id: found.id } : {}) };
}

/**
 * The one builder of a server create request, used by the planner (creates and replaces) and by the
 * rebuild workflow, so that every new server gets the same keys, script, user data, tags and
 * `keelson:spec` hash for the same manifest. Pure.
 */
export function serverCreateRequest(doc: ServerDoc, o: CreateRequestOptions): ServerCreateRequest {
  const s = doc.spec;
  const name = doc.metadata.name;
  const region = o.region ?? s.region;
  const createHash = serverCreateHash(doc);
  const { successorOf } = o;
  // Deterministic, so a plan is a pure function and a retried create can find what it made.
  const op = o.op ?? shortHash({ owner: o.owner, name, createHash, region, plan: s.plan, successorOf }, 12);
  const ownership = { owner: o.owner, name, op, ...(successorOf ? { successorOf } : {}) };
  const request: ServerCreateRequest = {
    name,
    region,
    plan: s.plan,
    image: o.image,
    hostname: desiredHostname(doc),
    label: name,
    sshKeys: [...s.sshKeys].sort().map((k) => providerRef(o.catalog.sshKeys, o.owner, k, o.managed?.sshKeys.has(k) ?? false)),
    enableIpv6: s.enableIpv6,
    tags: [...normalizeTags(s.tags), ...formatServerTags({ ownership, createHash, protect: s.protect })],
    createHash,
    op,
    ownership,
  };
  if (s.startupScript) request.startupScript = providerRef(o.catalog.startupScripts, o.owner, s.startupScript, o.managed?.startupScripts.has(s.startupScript) ?? false);
  if (s.userData !== undefined) request.userData = s.userData;
  return request;
}

/** The plan's create request for `doc`; `successorOf` marks a replacement's new server. */
export function buildCreateRequest(ctx: PlanContext, doc: ServerDoc, successorOf?: string): { request: ServerCreateRequest; dependsOn: string[] } {
  const { image, dependsOn: imageDeps } = resolveImage(ctx, doc);
  const s = doc.spec;
  // Declared keys and scripts are created (or updated) before the servers that name them.
  const refDeps = [
    ...s.sshKeys.flatMap((k) => resolveKeyRef(ctx, 'SSHKey', k).dependsOn),
    ...(s.startupScript ? resolveKeyRef(ctx, 'StartupScript', s.startupScript).dependsOn : []),
  ];
  const managed = { sshKeys: new Set(ctx.desired.sshKeys.keys()), startupScripts: new Set(ctx.desired.startupScripts.keys()) };
  const request = serverCreateRequest(doc, { owner: ctx.owner, catalog: ctx.live.catalog, image, managed, ...(successorOf ? { successorOf } : {}) });
  return { request, dependsOn: [...imageDeps, ...refDeps] };
}
