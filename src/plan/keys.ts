/**
 * SSH keys and startup scripts: create the declared ones that are missing, update in place the ones
 * whose text (or script type) differs, delete owned ones no longer declared and duplicates. Vultr
 * gives them only a name, so keelson's marker rides in the name (`formatNameMarker`); a startup
 * script's marker carries its body's digest because Vultr lists scripts without their bodies.
 *
 * A key or script is read by a provider only when a server is installed, so an update never touches
 * running servers, and a delete waits for every server this plan deletes. An owned one that no
 * manifest declares but a declared Server still names is kept, with a warning.
 */
import { formatNameMarker } from '../model/ownership.ts';
import { ownedNamed, resolveNamed } from '../model/key-refs.ts';
import { parseNameMarker } from '../model/ownership.ts';
import { normalizePublicKey } from '../model/ssh-key-text.ts';
import type { LiveCatalog } from '../model/live.ts';
import type { SshKeyDoc, StartupScriptDoc } from '../model/types.ts';
import { formatSource, groupOwned, type PlanContext } from './context.ts';
import { sensitiveDigest, sha256Hex } from './hash.ts';
import type { Change, FieldChange, KeyRequest, ProviderRef } from './types.ts';

export type KeyKind = 'SSHKey' | 'StartupScript';
type LiveKey = LiveCatalog['sshKeys'][number] & LiveCatalog['startupScripts'][number];

/** The digest a startup script's marker carries: 12 hex digits of the body's sha256. */
export function scriptDigest(script: string): string {
  return sha256Hex(script).slice(0, 12);
}

/** What keelson writes for a declared key or script, marker included. */
export function keyRequest(owner: string, doc: SshKeyDoc | StartupScriptDoc): KeyRequest {
  const name = doc.metadata.name;
  if (doc.kind === 'SSHKey') return { name, providerName: formatNameMarker({ owner, name }), publicKey: doc.spec.publicKey };
  return { name, providerName: formatNameMarker({ owner, name }, scriptDigest(doc.spec.script)), script: doc.spec.script, type: doc.spec.type };
}

function liveItems(ctx: PlanContext, kind: KeyKind): LiveKey[] {
  return (kind === 'SSHKey' ? ctx.live.catalog.sshKeys : ctx.live.catalog.startupScripts) as LiveKey[];
}

function declared(ctx: PlanContext, kind: KeyKind): Map<string, SshKeyDoc | StartupScriptDoc> {
  return kind === 'SSHKey' ? ctx.desired.sshKeys : ctx.desired.startupScripts;
}

/** Names the declared Servers use, each with the servers naming it. */
function referencedBy(ctx: PlanContext, kind: KeyKind): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of [...ctx.desired.servers.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const names = kind === 'SSHKey' ? s.spec.sshKeys : s.spec.startupScript ? [s.spec.startupScript] : [];
    for (const n of names) out.set(n, [...(out.get(n) ?? []), s.metadata.name]);
  }
  return out;
}

/** The fields that differ between a live object and what keelson would write. */
function differences(live: LiveKey, want: KeyRequest): FieldChange[] {
  const f: FieldChange[] = [];
  if (want.publicKey !== undefined) {
    const have = normalizePublicKey(live.publicKey ?? '');
    if (have !== want.publicKey) f.push({ field: 'publicKey', from: have, to: want.publicKey });
  }
  if (want.script !== undefined) {
    const have = parseNameMarker(live.name).digest;
    if (have !== scriptDigest(want.script)) f.push({ field: 'script', from: have ? `sha256:${have}…` : '(unknown)', to: sensitiveDigest(want.script), sensitive: true });
    if ((live.type ?? 'boot') !== want.type) f.push({ field: 'type', from: live.type ?? 'boot', to: want.type });
  }
  if (f.length === 0 && live.name !== want.providerName) f.push({ field: 'name', from: live.name, to: want.providerName });
  return f;
}

const OPS = { SSHKey: 'sshkey', StartupScript: 'script' } as const;

function deleteChange(kind: KeyKind, name: string, live: LiveKey, why: string, many: boolean, source?: string): Change {
  return {
    id: many ? `${kind}/${name}@${live.id}#delete` : `${kind}/${name}#delete`, action: 'delete', kind, name, reason: `${live.id} ${why}`,
    fields: [], dependsOn: [], ...(source ? { source } : {}), payload: { op: `${OPS[kind]}.delete`, id: live.id, providerName: live.name },
  };
}

function planKind(ctx: PlanContext, kind: KeyKind): void {
  const byName = groupOwned(ctx, kind, liveItems(ctx, kind), (i) => parseNameMarker(i.name).ownership, (i) => i.name);
  const docs = declared(ctx, kind);
  const users = referencedBy(ctx, kind);
  const op = OPS[kind];
  for (const name of [...new Set([...docs.keys(), ...byName.keys()])].sort()) {
    const doc = docs.get(name);
    const live = byName.get(name) ?? [];
    if (!doc) {
      const using = users.get(name);
      if (using) {
        ctx.warnings.push(`[${kind}/${name}] no ${kind} manifest declares it, but ${using.map((u) => `Server/${u}`).join(', ')} still name${using.length > 1 ? '' : 's'} it: kept`);
        continue;
      }
      for (const l of live) ctx.changes.push(deleteChange(kind, name, l, 'no longer in the manifests', live.length > 1));
      continue;
    }
    const source = formatSource(doc.source);
    const want = keyRequest(ctx.owner, doc);
    const [keep, ...extra] = live;
    if (!keep) {
      const fields: FieldChange[] = want.publicKey !== undefined
        ? [{ field: 'publicKey', to: want.publicKey }]
        : [{ field: 'script', to: sensitiveDigest(want.script ?? ''), sensitive: true }, { field: 'type', to: want.type }];
      ctx.changes.push({
        id: `${kind}/${name}#create`, action: 'create', kind, name, reason: 'declared in the manifests, not at the provider yet',
        fields, dependsOn: [], ...(source ? { source } : {}), payload: { op: `${op}.create`, request: want },
      });
    } else {
      const fields = differences(keep, want);
      if (fields.length) {
        ctx.changes.push({
          id: `${kind}/${name}#update`, action: 'update', kind, name,
          reason: `update the ${fields.map((f) => f.field).join(' and ')} of ${keep.id} in place (servers already installed keep what they got)`,
          fields, dependsOn: [], ...(source ? { source } : {}), payload: { op: `${op}.update`, id: keep.id, request: want },
        });
      }
    }
    for (const l of extra) ctx.changes.push(deleteChange(kind, name, l, `is a duplicate of ${keep!.id}`, extra.length > 1, source));
  }
}

/** Plans ssh key and startup script changes; run after `planServers` (deletes wait for the server deletes). */
export function planKeys(ctx: PlanContext): void {
  planKind(ctx, 'SSHKey');
  planKind(ctx, 'StartupScript');
  const serverDeletes = ctx.changes.filter((c) => c.payload.op === 'server.delete').map((c) => c.id);
  for (const c of ctx.changes) {
    if ((c.kind === 'SSHKey' || c.kind === 'StartupScript') && c.action === 'delete') c.dependsOn.push(...serverDeletes);
  }
}

/**
 * A Server's reference to a key or script, resolved for its create request: a declared one by its
 * marker (waiting for its create or update in this plan), otherwise one uploaded by hand, or kept
 * undeclared. Unresolvable names are the catalog checks' problem; here they stay without an id.
 */
export function resolveKeyRef(ctx: PlanContext, kind: KeyKind, name: string): { ref: ProviderRef; dependsOn: string[] } {
  const items = liveItems(ctx, kind);
  if (declared(ctx, kind).has(name)) {
    const id = ownedNamed(items, ctx.owner, name)[0]?.id;
    return { ref: { name, managed: true, ...(id ? { id } : {}) }, dependsOn: [`${kind}/${name}#create`, `${kind}/${name}#update`] };
  }
  const found = resolveNamed(items, ctx.owner, name);
  return { ref: { name, ...(found ? { id: found.id } : {}) }, dependsOn: [] };
}

/** Whether a Server's name for a key or script resolves at all (declared, or found at the provider). */
export function keyRefKnown(ctx: PlanContext, kind: KeyKind, name: string): boolean {
  return declared(ctx, kind).has(name) || resolveNamed(liveItems(ctx, kind), ctx.owner, name) !== undefined;
}
