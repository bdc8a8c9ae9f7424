/**
 * Servers: create, update in place (plan resize, label, tags), replace (region, hostname, OS, and
 * the create hash) and delete, for owned live servers only. Records and snapshots read
 * `ctx.addresses` and `ctx.serverDeletes`, which this step fills.
 */
import { formatServerTags } from '../model/ownership.ts';
import type { LiveServer } from '../model/live.ts';
import type { ServerDoc } from '../model/types.ts';
import { formatSource, groupOwned, serverOwnership, type PlanContext } from './context.ts';
import { normalizeTags } from './normalize.ts';
import { buildCreateRequest, desiredHostname, serverCreateHash } from './server-request.ts';
import type { FieldChange, ServerPatch } from './types.ts';
import { serverFamily } from '../model/server-family.ts';
import { workflowTags } from '../model/workflow-marks.ts';

/** Splits one name's live servers into the current one and those to retire (interrupted replaces, duplicates). */
function pickCurrent(servers: LiveServer[]): { current?: LiveServer; retire: { server: LiveServer; why: string }[] } {
  const succeeded = new Map<string, LiveServer>();
  for (const s of servers) {
    const prev = serverOwnership(s).ownership?.successorOf;
    if (prev) succeeded.set(prev, s);
  }
  const heads = servers.filter((s) => !succeeded.has(s.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const retire = servers.filter((s) => succeeded.has(s.id)).map((s) => ({ server: s, why: `replaced by ${succeeded.get(s.id)!.id} (finishing an interrupted replace)` }));
  const [current, ...dups] = heads;
  for (const d of dups) retire.push({ server: d, why: `duplicate of ${current!.id} carrying the same name` });
  return { current, retire };
}

/** Field differences between the manifest and the live server, with the ones forcing a replacement flagged. */
export function diffServer(ctx: PlanContext, doc: ServerDoc, live: LiveServer): { fields: FieldChange[]; patch: ServerPatch; replaceWhy: string[] } {
  const s = doc.spec;
  const own = serverOwnership(live);
  const fields: FieldChange[] = [];
  const replaceWhy: string[] = [];
  const patch: ServerPatch = {};
  // A rotating rebuild moves the server through its regions: any of them is where it should be.
  const rotatedInto = s.rebuild?.rotateRegions === true && s.rebuild.regions.includes(live.region);
  if (s.region !== live.region && !rotatedInto) {
    fields.push({ field: 'region', from: live.region, to: s.region, forcesReplace: true });
    replaceWhy.push(`region ${live.region} → ${s.region} needs a new server`);
  }
  const hostname = desiredHostname(doc);
  if (hostname !== live.hostname.toLowerCase()) {
    fields.push({ field: 'hostname', from: live.hostname, to: hostname, forcesReplace: true });
    replaceWhy.push('a hostname change reinstalls the server at Vultr');
  }
  if ('os' in s.image) {
    const want = s.image.os;
    const os = ctx.live.catalog.os.find((o) => o.name.toLowerCase() === want.toLowerCase());
    const same = os ? os.id === live.osId : want.toLowerCase() === live.osName.toLowerCase();
    if (!same) {
      fields.push({ field: 'os', from: live.osName, to: os?.name ?? want, forcesReplace: true });
      replaceWhy.push('an OS change reinstalls the server');
    }
  }
  const hash = serverCreateHash(doc);
  if (own.createHash === undefined) {
    ctx.warnings.push(`[Server/${doc.metadata.name}] live server ${live.id} has no keelson:spec tag: ssh keys, startup script, user data and image snapshot cannot be compared`);
  } else if (own.createHash !== hash) {
    fields.push({ field: 'createHash', from: own.createHash, to: hash, forcesReplace: true });
    replaceWhy.push('create-time inputs (ssh keys, startup script, user data, image snapshot or IPv6) changed and Vultr cannot change them in place');
  }
  if (s.plan !== live.plan) {
    fields.push({ field: 'plan', from: live.plan, to: s.plan });
    patch.plan = s.plan;
  }
  if (doc.metadata.name !== live.label) {
    fields.push({ field: 'label', from: live.label, to: doc.metadata.name });
    patch.label = doc.metadata.name;
  }
  const wantTags = normalizeTags(s.tags);
  if (wantTags.join(',') !== own.userTags.join(',') || s.protect !== own.protect) {
    if (wantTags.join(',') !== own.userTags.join(',')) fields.push({ field: 'tags', from: own.userTags, to: wantTags });
    if (s.protect !== own.protect) fields.push({ field: 'protect', from: own.protect, to: s.protect });
    const ownership = own.ownership ?? { owner: ctx.owner, name: doc.metadata.name };
    // Workflow marks (bandwidth carried over by rebuilds, hooks run) survive a retag.
    patch.tags = [...wantTags, ...formatServerTags({ ownership, createHash: own.createHash, protect: s.protect }), ...workflowTags(live.tags)];
  }
  return { fields, patch, replaceWhy };
}

function planDesiredServer(ctx: PlanContext, doc: ServerDoc, current: LiveServer | undefined): void {
  const name = doc.metadata.name;
  const source = formatSource(doc.source);
  if (!current) {
    const { request, dependsOn } = buildCreateRequest(ctx, doc);
    const id = `Server/${name}#create`;
    ctx.changes.push({
      id, action: 'create', kind: 'Server', name, reason: 'declared in the manifests, not found at the provider',
      fields: createFields(doc), dependsOn, source, payload: { op: 'server.create', request },
    });
    ctx.addresses.set(name, { pendingChange: id });
    return;
  }
  const { fields, patch, replaceWhy } = diffServer(ctx, doc, current);
  const protect = doc.spec.protect || serverOwnership(current).protect;
  if (replaceWhy.length > 0) {
    const { request, dependsOn } = buildCreateRequest(ctx, doc, current.id);
    const id = `Server/${name}#replace`;
    const destroyId = `Server/${name}#replace-destroy`;
    const reason = `must be replaced: ${replaceWhy.join('; ')}`;
    const common = { action: 'replace' as const, kind: 'Server' as const, name, fields, source, ...(protect ? { protected: true } : {}) };
    ctx.changes.push({ ...common, id, reason, dependsOn, phase: 'create-new', payload: { op: 'server.replace', request, old: current } });
    ctx.changes.push({
      ...common, id: destroyId, reason: `destroy ${current.id} once its successor is installed and records have moved`,
      dependsOn: [id], phase: 'destroy-old', payload: { op: 'server.delete', server: current },
    });
    ctx.addresses.set(name, { pendingChange: id, previous: current });
    ctx.serverDeletes.set(current.id, destroyId);
    return;
  }
  ctx.addresses.set(name, { live: current });
  if (fields.length === 0) return;
  const why = [patch.plan ? `resize ${current.plan} → ${patch.plan} in place (Vultr only upgrades plans)` : '', patch.label ? 'relabel' : '', patch.tags ? 'retag' : '']
    .filter(Boolean).join(', ');
  ctx.changes.push({
    id: `Server/${name}#update`, action: 'update', kind: 'Server', name, reason: `update in place: ${why}`,
    fields, dependsOn: [], source, payload: { op: 'server.update', serverId: current.id, patch, live: current },
  });
}

function createFields(doc: ServerDoc): FieldChange[] {
  const s = doc.spec;
  const image = 'os' in s.image ? `os: ${s.image.os}` : `snapshot: ${s.image.snapshot}`;
  const f: FieldChange[] = [
    { field: 'region', to: s.region }, { field: 'plan', to: s.plan }, { field: 'image', to: image },
    { field: 'hostname', to: desiredHostname(doc) },
  ];
  if (s.sshKeys.length) f.push({ field: 'sshKeys', to: [...s.sshKeys].sort() });
  if (s.startupScript) f.push({ field: 'startupScript', to: s.startupScript });
  if (s.userData !== undefined) f.push({ field: 'userData', to: '(sensitive)', sensitive: true });
  if (s.enableIpv6) f.push({ field: 'enableIpv6', to: true });
  if (s.tags.length) f.push({ field: 'tags', to: normalizeTags(s.tags) });
  return f;
}

/** Plans every server change; fills `ctx.addresses` and `ctx.serverDeletes`. */
export function planServers(ctx: PlanContext): void {
  const byName = groupOwned(ctx, 'Server', ctx.live.servers, (s) => serverOwnership(s).ownership, (s) => s.label || s.hostname);
  const names = [...new Set([...ctx.desired.servers.keys(), ...byName.keys()])].sort();
  for (const name of names) {
    const doc = ctx.desired.servers.get(name);
    const family = serverFamily(byName.get(name) ?? [], ctx.owner, name);
    if (doc && family.current && family.successor) {
      // A rebuild in progress is finished by the rebuild workflow (apply runs it first), never by deletes here.
      ctx.addresses.set(name, { live: family.current });
      ctx.inProgress.push({ kind: 'Server', name, workflow: 'rebuild', from: family.current.id, to: family.successor.id });
      continue;
    }
    const { current, retire } = pickCurrent(byName.get(name) ?? []);
    if (doc) planDesiredServer(ctx, doc, current);
    const gone = doc ? retire : [...retire, ...(current ? [{ server: current, why: 'no longer in the manifests' }] : [])];
    for (const { server, why } of gone) {
      const id = gone.length === 1 ? `Server/${name}#delete` : `Server/${name}@${server.id}#delete`;
      const own = serverOwnership(server);
      ctx.changes.push({
        id, action: 'delete', kind: 'Server', name, reason: `${server.id} ${why}`, fields: [], dependsOn: [],
        source: formatSource(doc?.source), ...(own.protect ? { protected: true } : {}), payload: { op: 'server.delete', server },
      });
      ctx.serverDeletes.set(server.id, id);
    }
  }
}
