/**
 * What the provider-facing verbs share: load the repository (problems become a `ManifestError`),
 * connect to the providers or the embedded simulator, read the git revision of the manifests.
 */
import type { WorldSeed } from '../sim/index.ts';
import { seedFromManifests } from '../sim/seed-from.ts';
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
 * simulator is seeded with what the repository needs and does not create (`seedFromManifests`: the
 * keys and scripts its Servers name without declaring them, its zones, undeclared snapshots), as if
 * the user had them already, so a fresh clone plans and applies without an account.
 */
export function connectFor(project: ProjectConfig, manifests?: Manifests, opts: ConnectOptions = {}): Promise<Connection> {
  const seed = manifests ? seedFromManifests(project, manifests) : undefined;
  return connectProviders(project.providers, process.env, { ...opts, simulator: { ...(seed && { seed }), ...opts.simulator } });
}

/** The embedded simulator's seed for a repository (see `seedFromManifests`); `owner` marks seeded snapshots. */
export function simulatorSeed(manifests: Manifests, owner = 'keelson'): WorldSeed {
  return seedFromManifests({ owner }, manifests);
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
