/**
 * The Vultr `ComputeProvider`: the contract's methods over the typed client. Idempotent creates live
 * here: a create first looks for its operation tag, and an ambiguous failure (the request may have
 * reached Vultr) is resolved by looking again, never by blindly sending a second create.
 */
import type { LiveCatalog } from '../../model/live.ts';
import { ProviderError } from '../../errors.ts';
import { writeOnce } from '../retry.ts';
import type { ComputeProvider, ServerCreateInput } from '../types.ts';
import type { VultrClient } from './client.ts';
import { toCreateBody, toLiveServer, toLiveSnapshot } from './map.ts';

/** Attempts at an ambiguous create, each preceded by a look for the operation tag. */
const CREATE_ATTEMPTS = 6;

export function createVultrProvider(client: VultrClient): ComputeProvider {
  async function findByOp(opTag: string) {
    const found = await client.listInstances({ tag: opTag });
    // The provider filter is trusted only as far as it goes: check the tag ourselves too.
    const mine = found.filter((i) => (i.tags ?? []).includes(opTag)).map(toLiveServer);
    return mine.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
  }

  async function createServer(input: ServerCreateInput, opts: { lookedFirst?: boolean } = {}) {
    if (!input.tags.includes(input.opTag)) throw new Error(`create for ${input.label}: the operation tag must be among the tags`);
    return writeOnce({
      attempts: CREATE_ATTEMPTS,
      lookFirst: opts.lookedFirst !== true,
      look: () => findByOp(input.opTag),
      act: async () => toLiveServer(await client.createInstance(toCreateBody(input))),
    });
  }

  return {
    name: 'vultr',
    listServers: async () => (await client.listInstances()).map(toLiveServer),
    listServersByTag: async (tag) => (await client.listInstances({ tag })).map(toLiveServer),
    getServer: async (id) => {
      const i = await client.getInstance(id);
      return i ? toLiveServer(i) : undefined;
    },
    createServer,
    updateServer: async (id, patch) => toLiveServer(await client.updateInstance(id, { ...patch, ...(patch.tags ? { tags: [...patch.tags] } : {}) })),
    deleteServer: async (id) => {
      await ignoreNotFound(() => client.deleteInstance(id));
    },
    listSnapshots: async () => (await client.listSnapshots()).map(toLiveSnapshot),
    createSnapshot: async (serverId, description) => toLiveSnapshot(await client.createSnapshot(serverId, description)),
    updateSnapshot: (id, description) => client.updateSnapshot(id, description),
    deleteSnapshot: async (id) => {
      await ignoreNotFound(() => client.deleteSnapshot(id));
    },
    catalog: (regions) => readCatalog(client, regions),
    createSshKey: (name, publicKey) => writeOnce({
      attempts: CREATE_ATTEMPTS,
      lookFirst: true,
      look: async () => (await client.listSshKeys()).find((k) => k.name === name),
      act: () => client.createSshKey(name, publicKey),
    }).then(({ id, name: n }) => ({ id, name: n })),
    updateSshKey: (id, patch) => client.updateSshKey(id, { ...(patch.name ? { name: patch.name } : {}), ...(patch.publicKey ? { ssh_key: patch.publicKey } : {}) }),
    deleteSshKey: (id) => ignoreNotFound(() => client.deleteSshKey(id)),
    createStartupScript: (name, script, type) => writeOnce({
      attempts: CREATE_ATTEMPTS,
      lookFirst: true,
      look: async () => (await client.listStartupScripts()).find((s) => s.name === name),
      act: () => client.createStartupScript({ name, script: base64(script), type }),
    }).then(({ id, name: n }) => ({ id, name: n })),
    updateStartupScript: (id, patch) => client.updateStartupScript(id, {
      ...(patch.name ? { name: patch.name } : {}), ...(patch.script !== undefined ? { script: base64(patch.script) } : {}), ...(patch.type ? { type: patch.type } : {}),
    }),
    deleteStartupScript: (id) => ignoreNotFound(() => client.deleteStartupScript(id)),
    bandwidth: async (id) => {
      const raw = await client.bandwidth(id);
      return Object.fromEntries(Object.entries(raw).map(([day, b]) => [day, { inBytes: b.incoming_bytes, outBytes: b.outgoing_bytes }]));
    },
  };
}

/** Vultr takes startup scripts base64-encoded. */
function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A delete whose target is already gone (an earlier attempt, a rerun) has done its job. */
async function ignoreNotFound(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ProviderError && err.reason === 'missing') return;
    throw err;
  }
}

/**
 * Regions, plans, OS, keys and scripts in bulk; per-region availability narrows where each plan is
 * sold (one call per region: Vultr has no bulk form), only for the regions asked about.
 */
async function readCatalog(client: VultrClient, only?: string[]): Promise<LiveCatalog> {
  const [regions, plans, os, sshKeys, scripts] = await Promise.all([
    client.listRegions(),
    client.listPlans(),
    client.listOs(),
    client.listSshKeys(),
    client.listStartupScripts(),
  ]);
  const checked = regions.filter((r) => !only || only.includes(r.id));
  const available = await Promise.all(checked.map(async (r) => [r.id, new Set(await client.regionAvailability(r.id))] as const));
  const byRegion = new Map(available);
  const planMap = new Map<string, Set<string>>();
  for (const p of plans) {
    planMap.set(p.id, new Set(p.locations.filter((loc) => byRegion.get(loc)?.has(p.id) ?? true)));
  }
  return {
    regions: regions.map((r) => ({ id: r.id, city: r.city, country: r.country })),
    plans: planMap,
    os: os.map((o) => ({ id: Number(o.id), name: o.name })),
    sshKeys: sshKeys.map((k) => ({ id: k.id, name: k.name, publicKey: k.ssh_key })),
    startupScripts: scripts.map((s) => ({ id: s.id, name: s.name, ...(s.type === 'boot' || s.type === 'pxe' ? { type: s.type } : {}) })),
  };
}
