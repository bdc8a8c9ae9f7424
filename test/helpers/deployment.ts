import type { ContainerSource, DeploymentDoc, DeploymentSpec, GitSource, SshSettings } from '../../src/model/types.ts';

export function sshSettings(over: Partial<SshSettings> = {}): SshSettings {
  return { user: 'root', port: 22, agent: false, knownHostsFile: '.keelson/known_hosts', connectTimeout: 5000, commandTimeout: 60_000, ...over };
}

export function containerSource(over: Partial<ContainerSource> = {}): ContainerSource {
  return {
    image: 'localhost/app:v1', runtime: 'auto', containerPort: 80, pull: 'missing', env: {}, envFrom: {}, args: [], runOptions: [],
    portRange: { from: 20000, to: 29999 }, ...over,
  };
}

export function gitSource(over: Partial<GitSource> = {}): GitSource {
  return {
    repo: '/srv/app.git', ref: 'main', root: '/srv/app', slots: [{ name: 'blue', port: 3001 }, { name: 'red', port: 3002 }],
    start: 'exec ./run', env: {}, envFrom: {}, ...over,
  };
}

/** A Deployment document as loadProject returns it (normalized, durations in ms). */
export function deploymentDoc(name: string, over: Partial<DeploymentSpec> = {}): DeploymentDoc {
  return {
    kind: 'Deployment',
    metadata: { name, labels: {}, annotations: {} },
    source: { file: 'manifests/app.yaml', line: 1, col: 1 },
    spec: {
      targets: { hosts: [{ name: 'h1', address: '127.0.0.1', port: 22 }] },
      ssh: sshSettings(),
      source: { container: containerSource() },
      health: { path: '/health', expectStatus: 200, interval: 100, timeout: 1000, deadline: 5000 },
      proxy: { nginx: { upstreamFile: '/etc/nginx/keelson/app.conf', upstreamName: 'app', command: 'nginx' } },
      strategy: { maxParallel: 1, drain: 200, keepPrevious: true, lockTtl: 900_000 },
      notify: [],
      ...over,
    },
  };
}
