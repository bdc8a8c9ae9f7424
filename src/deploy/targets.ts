/**
 * Which hosts a Deployment targets. `hosts` are used as written; servers (by name or label) are
 * reached at the public address their live instance has at the provider, which the caller looks up.
 */
import { UsageError } from '../errors.ts';
import type { DeploymentDoc, Manifests, ServerDoc } from '../model/types.ts';
import type { HostAddress } from './ssh.ts';

/** A server's SSH-reachable address by manifest name; undefined when it has no live, installed instance. */
export type AddressOf = (server: string) => string | undefined;

/** True when the Deployment targets Servers (so their addresses must come from the provider). */
export function targetsServers(doc: DeploymentDoc): boolean {
  return !('hosts' in doc.spec.targets);
}

/** The target hosts, in manifest order, optionally narrowed to one (`--only`). Pure. */
export function resolveHosts(doc: DeploymentDoc, servers: Manifests['servers'], only?: string, addressOf: AddressOf = () => undefined): HostAddress[] {
  const t = doc.spec.targets;
  const fromServer = (s: ServerDoc): HostAddress => {
    const address = addressOf(s.metadata.name);
    if (!address) throw new UsageError(`[Deployment/${doc.metadata.name}] server ${s.metadata.name} has no running instance with an address at the provider (run keelson apply first)`);
    return { name: s.metadata.name, address, port: doc.spec.ssh.port };
  };
  let hosts: HostAddress[];
  if ('hosts' in t) hosts = t.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port }));
  else if ('servers' in t) {
    hosts = t.servers.map((name) => {
      const s = servers.get(name);
      if (!s) throw new UsageError(`[Deployment/${doc.metadata.name}] unknown server ${name}`);
      return fromServer(s);
    });
  } else {
    const want = Object.entries(t.selector.matchLabels);
    hosts = [...servers.values()].filter((s) => want.every(([k, v]) => s.metadata.labels[k] === v)).map(fromServer);
  }
  if (only !== undefined) {
    hosts = hosts.filter((h) => h.name === only);
    if (hosts.length === 0) throw new UsageError(`[Deployment/${doc.metadata.name}] has no target named ${only}`);
  }
  if (hosts.length === 0) throw new UsageError(`[Deployment/${doc.metadata.name}] targets no host`);
  return hosts;
}
