/**
 * Destroy hooks for Servers removed from the manifests. Their hook definitions left with the
 * manifest, so they are read from the newest git commit that still had the Server. `apply` runs them
 * after the plan passed its safety checks (and the user confirmed), before it deletes the servers.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import { loadProject } from '../manifest/load-project.ts';
import type { Manifests, ProjectConfig, ServerDoc } from '../model/types.ts';
import type { Plan } from '../plan/types.ts';
import { runDestroyHooks } from '../workflows/destroy.ts';
import type { WorkflowContext } from '../workflows/rebuild.ts';

/** The newest committed definition of each named Server, looking back `maxCommits` commits. Read-only. */
export async function previousServerDocs(project: ProjectConfig, names: string[], maxCommits = 50): Promise<Map<string, ServerDoc>> {
  const found = new Map<string, ServerDoc>();
  const git = simpleGit(project.root);
  if (names.length === 0 || !(await git.checkIsRepo().catch(() => false))) return found;
  const top = (await git.revparse(['--show-toplevel'])).trim();
  const rootRel = relative(top, project.root);
  const paths = [join(rootRel, 'keelson.yaml'), relative(top, project.manifestsDir)];
  const commits = (await git.raw(['log', '--format=%H', '-n', String(maxCommits), '--', ...paths])).split('\n').filter(Boolean);
  for (const commit of commits) {
    const files = (await git.raw(['ls-tree', '-r', '--name-only', commit, '--', ...paths])).split('\n').filter(Boolean);
    const tmp = await mkdtemp(join(tmpdir(), 'keelson-prev-'));
    try {
      for (const f of files) {
        const out = join(tmp, relative(rootRel, f));
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, await git.show([`${commit}:${f}`]));
      }
      const r = await loadProject(tmp);
      if (!r.ok) continue;
      for (const n of names) {
        const doc = r.manifests.servers.get(n);
        if (doc && !found.has(n)) found.set(n, doc);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    if (found.size === names.length) break;
  }
  return found;
}

/**
 * Runs the destroy hooks of every Server the plan deletes because it left the manifests (once each:
 * hook marks on the instance are honoured). A Server not found in the history is reported, not an error.
 */
export async function runRemovedServerHooks(plan: Plan, project: ProjectConfig, manifests: Manifests, workflow: WorkflowContext, say: (line: string) => void): Promise<void> {
  const anchors = new Map<string, Extract<Plan['changes'][number]['payload'], { op: 'server.delete' }>['server']>();
  for (const c of plan.changes) {
    if (c.kind !== 'Server' || c.action !== 'delete' || c.payload.op !== 'server.delete' || manifests.servers.has(c.name)) continue;
    if (!anchors.has(c.name)) anchors.set(c.name, c.payload.server);
  }
  if (anchors.size === 0) return;
  const docs = await previousServerDocs(project, [...anchors.keys()]);
  for (const name of anchors.keys()) {
    const doc = docs.get(name);
    if (!doc) {
      say(`[Server/${name}] removed from the manifests and not found in the git history: its destroy hooks were not run`);
      continue;
    }
    if (doc.spec.destroyHooks.length === 0) continue;
    const ctx = { providers: workflow.providers, owner: project.owner, manifests, clock: workflow.clock, root: project.root };
    const r = await runDestroyHooks(ctx, doc, anchors.get(name)!);
    say(`[Server/${name}] destroy hooks: ${r.run.length ? `ran ${r.run.join(', ')}` : 'none to run'}${r.skipped.length ? `, already done ${r.skipped.join(', ')}` : ''}`);
  }
}
