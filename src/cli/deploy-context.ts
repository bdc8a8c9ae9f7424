/**
 * Loading what the deploy verbs need from a repository: the project, one Deployment (or all), its
 * target hosts and notifiers. Invalid manifests become a ManifestError with every problem listed.
 */
import { resolveHosts, targetsServers, type AddressOf } from '../deploy/targets.ts';
import type { HostAddress } from '../deploy/ssh.ts';
import { ConfigError, ManifestError, UsageError } from '../errors.ts';
import { loadProject } from '../manifest/load-project.ts';
import type { DeploymentDoc, Manifests, NotifierDoc, ProjectConfig } from '../model/types.ts';
import { serverFamily } from '../model/server-family.ts';
import { connectFor } from './session.ts';

export interface DeployContext {
  project: ProjectConfig;
  manifests: Manifests;
  /** Live server addresses, listed once per command however many Deployments need them. */
  addresses?: Promise<AddressOf | 'simulator'>;
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

/**
 * The hosts to deploy to. Servers are looked up at the provider (one bulk listing) and reached at
 * their serving instance's IPv4 address. The embedded simulator's servers have no reachable address,
 * so deploying to Servers without credentials is refused rather than sending traffic to them.
 */
export async function hostsOf(ctx: DeployContext, doc: DeploymentDoc, only?: string): Promise<HostAddress[]> {
  if (!targetsServers(doc)) return resolveHosts(doc, ctx.manifests.servers, only);
  ctx.addresses ??= liveAddresses(ctx);
  const addressOf = await ctx.addresses;
  if (addressOf === 'simulator') {
    throw new ConfigError(
      `[Deployment/${doc.metadata.name}] targets Servers, whose addresses come from the provider; with no credentials keelson uses its embedded simulator, whose servers cannot be reached. Set ${ctx.project.providers.vultr.apiKeyEnv} and ${ctx.project.providers.cloudflare.apiTokenEnv}, or list the machines under targets.hosts`,
    );
  }
  return resolveHosts(doc, ctx.manifests.servers, only, addressOf);
}

/** One bulk listing of the owner's servers: each name's serving instance's IPv4. */
async function liveAddresses(ctx: DeployContext): Promise<AddressOf | 'simulator'> {
  const conn = await connectFor(ctx.project, ctx.manifests, { notice: () => undefined });
  try {
    if (conn.simulator) return 'simulator';
    const live = await conn.providers.compute.listServers();
    return (name) => serverFamily(live, ctx.project.owner, name).current?.ipv4;
  } finally {
    await conn.close();
  }
}

export function notifiersOf(ctx: DeployContext): NotifierDoc[] {
  return [...ctx.manifests.notifiers.values()];
}
