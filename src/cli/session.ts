/**
 * What the provider-facing verbs share: load the repository (problems become a `ManifestError`),
 * connect to the providers or the embedded simulator, read the git revision of the manifests.
 */
import { randomUUID } from 'node:crypto';
import { defaultWorld } from '../sim/default-world.ts';
import type { WorldSeed } from '../sim/index.ts';
import { ManifestError } from '../errors.ts';
import { loadProject } from '../manifest/load-project.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { connectProviders, type Connection, type ConnectOptions } from '../providers/connect.ts';

export async function loadOrThrow(dir: string): Promise<{ project: ProjectConfig; manifests: Manifests }> {
  const r = await loadProject(dir);
  if (!r.ok) throw new ManifestError(r.problems);
  return { project: r.project, manifests: r.manifests };
}

/**
 * Connects for one command; the caller must `close()` (stops an embedded simulator). The embedded
 * simulator is seeded with the ssh keys and startup scripts the manifests name, as if the user had
 * uploaded them, so a fresh clone plans and applies without an account.
 */
export function connectFor(project: ProjectConfig, manifests?: Manifests, opts: ConnectOptions = {}): Promise<Connection> {
  const seed = manifests ? simulatorSeed(manifests) : undefined;
  return connectProviders(project.providers, process.env, { ...opts, simulator: { ...(seed && { seed }), ...opts.simulator } });
}

export function simulatorSeed(manifests: Manifests): WorldSeed {
  const base = defaultWorld().vultr;
  const keys = new Set<string>();
  const scripts = new Set<string>();
  for (const s of manifests.servers.values()) {
    for (const k of s.spec.sshKeys) keys.add(k);
    if (s.spec.startupScript) scripts.add(s.spec.startupScript);
  }
  const at = '2024-03-01T10:00:00+00:00';
  const sshKeys = [...base.sshKeys];
  for (const name of [...keys].filter((k) => !base.sshKeys.some((x) => x.name === k))) {
    sshKeys.push({ id: randomUUID(), date_created: at, name, ssh_key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${name.padEnd(43, 'A').slice(0, 43)} ${name}` });
  }
  const startupScripts = [...base.startupScripts];
  for (const name of [...scripts].filter((k) => !base.startupScripts.some((x) => x.name === k))) {
    startupScripts.push({ id: randomUUID(), date_created: at, date_modified: at, name, type: 'boot', script: Buffer.from('#!/bin/sh\n').toString('base64') });
  }
  return { vultr: { sshKeys, startupScripts } };
}

/** The commit the manifests come from (with `-dirty` when they have local changes); undefined outside git. */
export async function gitRevision(root: string): Promise<string | undefined> {
  try {
    // Loaded here, not at start-up: only verbs that record a revision need it.
    const { simpleGit } = await import('simple-git');
    const git = simpleGit(root);
    if (!(await git.checkIsRepo())) return undefined;
    const head = (await git.revparse(['HEAD'])).trim();
    const status = await git.status(['--porcelain', '--', '.']);
    return status.isClean() ? head : `${head}-dirty`;
  } catch {
    return undefined;
  }
}

/** Install polling: quick against the simulator, every 5 s against a real account; `KEELSON_INSTALL_POLL_MS` overrides. */
export function pollIntervalFor(conn: Connection, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.KEELSON_INSTALL_POLL_MS);
  if (Number.isInteger(forced) && forced > 0) return forced;
  return conn.simulator ? 100 : 5000;
}
