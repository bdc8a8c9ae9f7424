import type { ContainerSource, DeploymentDoc, DeploymentTargets, GitSource, NotifierDoc, ProjectConfig } from '../model/types.ts';
import { asRaw, dur, envelopeOf, opt, or, type Raw, selectorOf, specOf, sshOf, strMap, webhookOf } from './normalize-common.ts';
import type { CheckedDocument } from './validate-schema.ts';

/** Host ports new containers are started on when the manifest names no range. */
export const DEFAULT_PORT_RANGE = { from: 20000, to: 20999 } as const;

export function normalizeDeployment(c: CheckedDocument, project: ProjectConfig): DeploymentDoc {
  const spec = specOf(c);
  const health = asRaw(spec.health);
  const nginx = asRaw(asRaw(spec.proxy).nginx);
  const strategy = asRaw(spec.strategy);
  const verifyUrl = opt<string>(nginx, 'verifyUrl');
  return {
    kind: 'Deployment',
    ...envelopeOf(c),
    spec: {
      targets: targetsOf(asRaw(spec.targets)),
      ssh: sshOf(spec.ssh, project.defaults.ssh, project.root),
      source: spec.container ? { container: containerOf(asRaw(spec.container)) } : { git: gitOf(asRaw(spec.git)) },
      health: {
        path: or(health, 'path', '/health'),
        expectStatus: or(health, 'expectStatus', 200),
        interval: dur(health, 'interval', '1s'),
        timeout: dur(health, 'timeout', '2s'),
        deadline: dur(health, 'deadline', '60s'),
      },
      proxy: {
        nginx: {
          upstreamFile: nginx.upstreamFile as string,
          upstreamName: nginx.upstreamName as string,
          command: or(nginx, 'command', 'nginx'),
          ...(verifyUrl ? { verifyUrl } : {}),
        },
      },
      strategy: {
        maxParallel: or(strategy, 'maxParallel', 1),
        drain: dur(strategy, 'drain', '5s'),
        keepPrevious: or(strategy, 'keepPrevious', true),
        lockTtl: dur(strategy, 'lockTtl', '15m'),
      },
      notify: [...or<string[]>(spec, 'notify', [])],
    },
  };
}

function targetsOf(t: Raw): DeploymentTargets {
  if (Array.isArray(t.servers)) return { servers: [...(t.servers as string[])] };
  if (t.selector) return { selector: selectorOf(t.selector) };
  return { hosts: (t.hosts as Raw[]).map((h) => ({ name: h.name as string, address: h.address as string, port: or(h, 'port', 22) })) };
}

function containerOf(r: Raw): ContainerSource {
  const range = opt<{ from: number; to: number }>(r, 'portRange') ?? DEFAULT_PORT_RANGE;
  return {
    image: r.image as string,
    runtime: or(r, 'runtime', 'auto'),
    containerPort: or(r, 'containerPort', 80),
    pull: or(r, 'pull', 'missing'),
    env: strMap(r.env),
    envFrom: strMap(r.envFrom),
    args: [...or<string[]>(r, 'args', [])],
    runOptions: [...or<string[]>(r, 'runOptions', [])],
    portRange: { from: range.from, to: range.to },
  };
}

function gitOf(r: Raw): GitSource {
  const [a, b] = (r.slots as Raw[]).map((s) => ({ name: s.name as string, port: s.port as number }));
  const build = opt<string>(r, 'build');
  return {
    repo: r.repo as string,
    ref: or(r, 'ref', 'main'),
    root: r.root as string,
    slots: [a as GitSource['slots'][0], b as GitSource['slots'][1]],
    ...(build === undefined ? {} : { build }),
    start: r.start as string,
    env: strMap(r.env),
    envFrom: strMap(r.envFrom),
  };
}

export function normalizeNotifier(c: CheckedDocument): NotifierDoc {
  const spec = specOf(c);
  const pushover = spec.pushover ? asRaw(spec.pushover) : undefined;
  return {
    kind: 'Notifier', ...envelopeOf(c),
    spec: {
      webhook: webhookOf(spec.webhook), events: [...or<string[]>(spec, 'events', ['*'])], format: or(spec, 'format', 'keelson'),
      ...(pushover && { pushover: { tokenEnv: pushover.tokenEnv as string, userEnv: pushover.userEnv as string } }),
    },
  };
}
