/**
 * What a repository needs to find at the provider but does not create itself, as a simulator seed
 * (`keelson sim --seed-from DIR`, and the embedded simulator): the Cloudflare zones its DNSZones
 * manage, the ssh keys and startup scripts its Servers name without declaring them (as if uploaded by
 * hand: unmarked and someone else's, so keelson never changes them), and the snapshots its Servers
 * build from without declaring them (complete, carrying the owner's marker, as a golden image made
 * by an earlier run would). Everything the repository declares is left for `apply` to create.
 * Ids are derived from names, so the same repository always seeds the same world.
 */
import { createHash } from 'node:crypto';
import { formatSnapshotDescription } from '../model/ownership.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { worldFromSeed, type WorldSeed } from './seed.ts';
import type { ForeignRef, SimSnapshot, SimZone, VultrSshKey, VultrStartupScript } from './types.ts';

const SEEDED_AT = '2024-03-01T10:00:00+00:00';
const SEEDED_MS = Date.parse(SEEDED_AT);

function digest(what: string, bytes: number): string {
  return createHash('sha256').update(what).digest('hex').slice(0, bytes * 2);
}

function uuid(what: string): string {
  const h = digest(what, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stand-in public key for a key the repository names but does not declare (never a real one). */
function standInKey(name: string): string {
  return `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(digest(`key:${name}`, 24), 'hex').toString('base64').replace(/=+$/, '')} ${name}@seeded`;
}

/** Names the Servers (and the project's defaults) use for keys and scripts, and the snapshots they build from. */
function needs(manifests: Manifests): { keys: Set<string>; scripts: Set<string>; snapshots: Set<string> } {
  const keys = new Set<string>();
  const scripts = new Set<string>();
  const snapshots = new Set<string>();
  for (const s of manifests.servers.values()) {
    for (const k of s.spec.sshKeys) keys.add(k);
    if (s.spec.startupScript) scripts.add(s.spec.startupScript);
    if ('snapshot' in s.spec.image) snapshots.add(s.spec.image.snapshot);
    if (s.spec.rebuild?.snapshot) snapshots.add(s.spec.rebuild.snapshot);
  }
  return { keys, scripts, snapshots };
}

/**
 * `base` (a seed; the default world when empty) plus what `manifests` need and do not declare.
 * Resources `base` already has (by name) are kept as they are.
 */
export function seedFromManifests(project: Pick<ProjectConfig, 'owner'>, manifests: Manifests, base: WorldSeed = {}): WorldSeed {
  const world = worldFromSeed(base);
  const n = needs(manifests);
  const foreign: ForeignRef[] = [...world.foreign];
  const sshKeys: VultrSshKey[] = [...world.vultr.sshKeys];
  for (const name of [...n.keys].sort()) {
    if (manifests.sshKeys.has(name) || sshKeys.some((k) => k.name === name)) continue;
    const id = uuid(`ssh_key:${name}`);
    sshKeys.push({ id, date_created: SEEDED_AT, name, ssh_key: standInKey(name) });
    foreign.push({ kind: 'ssh_key', id });
  }
  const startupScripts: VultrStartupScript[] = [...world.vultr.startupScripts];
  for (const name of [...n.scripts].sort()) {
    if (manifests.startupScripts.has(name) || startupScripts.some((s) => s.name === name)) continue;
    const id = uuid(`startup_script:${name}`);
    const script = Buffer.from(`#!/bin/sh\n# ${name}: seeded by keelson sim --seed-from\n`).toString('base64');
    startupScripts.push({ id, date_created: SEEDED_AT, date_modified: SEEDED_AT, name, type: 'boot', script });
    foreign.push({ kind: 'startup_script', id });
  }
  const snapshots: SimSnapshot[] = [...world.vultr.snapshots];
  for (const name of [...n.snapshots].sort()) {
    if (manifests.snapshots.has(name)) continue;
    const description = formatSnapshotDescription('seeded golden image', { owner: project.owner, name });
    if (snapshots.some((s) => s.description === description)) continue;
    snapshots.push({ id: uuid(`snapshot:${project.owner}/${name}`), date_created: SEEDED_AT, createdAt: SEEDED_MS, description, fullSize: 26_843_545_600, os_id: 2284, app_id: 0, readyAt: SEEDED_MS });
  }
  const zones: SimZone[] = [...world.cloudflare.zones];
  for (const z of [...manifests.dnsZones.values()].sort((a, b) => a.spec.zone.localeCompare(b.spec.zone))) {
    if (zones.some((x) => x.name === z.spec.zone)) continue;
    zones.push({
      id: digest(`zone:${z.spec.zone}`, 16), name: z.spec.zone, plan: 'free', status: 'active', created_on: '2023-06-01T08:00:00.000000Z',
      account: { id: digest(`account:${project.owner}`, 16), name: 'Seeded Account' }, name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    });
  }
  return {
    ...base,
    vultr: { ...base.vultr, sshKeys, startupScripts, snapshots },
    cloudflare: { ...base.cloudflare, zones },
    foreign,
  };
}
