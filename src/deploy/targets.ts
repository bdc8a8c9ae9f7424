/**
 * Which hosts a Deployment targets. `hosts` are used as written; servers (by name or label) are
 * reached at their `hostname`, since their provider addresses belong to the provider stage.
 */
import { UsageError } from '../errors.ts';
import type { DeploymentDoc, Manifests, ServerDoc } from '../model/types.ts';
import type { HostAddress } from './ssh.ts';

/** The target hosts, in manifest order, optionally narrowed to one (`--only`). Pure. */
export function resolveHosts(doc: DeploymentDoc, servers: Manifests['servers'], only?: string): HostAddress[] {
  const t = doc.spec.targets;
  const fromServer = (s: ServerDoc): HostAddress => {
    if (!s.spec.hostname) throw new UsageError(`[Deployment/${doc.metadata.name}] server ${s.metadata.name} has no hostname to connect to; list it under targets.hosts`);
    return { name: s.metadata.name, address: s.spec.hostname, port: doc.spec.ssh.port };
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
