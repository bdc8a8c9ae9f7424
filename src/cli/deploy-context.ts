/**
 * Loading what the deploy verbs need from a repository: the project, one Deployment (or all), its
 * target hosts and notifiers. Invalid manifests become a ManifestError with every problem listed.
 */
import { resolveHosts } from '../deploy/targets.ts';
import type { HostAddress } from '../deploy/ssh.ts';
import { ManifestError, UsageError } from '../errors.ts';
import { loadProject } from '../manifest/load-project.ts';
import type { DeploymentDoc, Manifests, NotifierDoc, ProjectConfig } from '../model/types.ts';

export interface DeployContext {
  project: ProjectConfig;
  manifests: Manifests;
}

export async function loadContext(dir: string): Promise<DeployContext> {
  const result = await loadProject(dir);
  if (!result.ok) throw new ManifestError(result.problems);
  return { project: result.project, manifests: result.manifests };
}

export function deploymentNamed(ctx: DeployContext, name: string): DeploymentDoc {
  const doc = ctx.manifests.deployments.get(name);
  if (!doc) {
    const known = [...ctx.manifests.deployments.keys()].join(', ') || 'none';
    throw new UsageError(`no Deployment named ${name} (deployments: ${known})`);
  }
  return doc;
}

export function hostsOf(ctx: DeployContext, doc: DeploymentDoc, only?: string): HostAddress[] {
  return resolveHosts(doc, ctx.manifests.servers, only);
}

export function notifiersOf(ctx: DeployContext): NotifierDoc[] {
  return [...ctx.manifests.notifiers.values()];
}
