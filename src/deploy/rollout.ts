/**
 * Deploys (or rolls back) one Deployment across its hosts: `maxParallel` hosts at a time, one by
 * default; after the first failure no further host starts, so the rest stay on the old version. Each
 * host gets its own SSH connection, reused for all its steps. Events go to the notifiers.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { ConfigError, DeployError } from '../errors.ts';
import type { DeploymentDoc, NotifierDoc } from '../model/types.ts';
import { notifyAll, type NotifyEvent } from '../notify/webhook.ts';
import { readSecretEnv, scrub } from '../secrets.ts';
import { deployContainerHost, type HostDeployResult } from './container-host.ts';
import { deployGitHost } from './git-host.ts';
import type { HostRun } from './host-run.ts';
import { connectHost, type HostAddress } from './ssh.ts';
import { systemClock, type Clock, type Remote, type Reporter } from './types.ts';

export type Action = 'deploy' | 'rollback';

export interface RolloutRequest {
  doc: DeploymentDoc;
  action: Action;
  /** `--image` (containers) or `--ref` (git slots); defaults to the manifest's. */
  version?: string;
  hosts: HostAddress[];
  /** Repository root (key files and the known-hosts file are relative to it). */
  root: string;
  notifiers?: NotifierDoc[];
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  report?: Reporter;
  /** Opens a host's connection; tests may pass their own. */
  connect?: (host: HostAddress) => Promise<Remote>;
  /** Fencing: awaited before each host starts; throws when this run lost the repository lock. */
  fence?: () => Promise<void>;
}

export type HostOutcome =
  | { host: string; status: 'succeeded'; result: HostDeployResult }
  | { host: string; status: 'failed'; error: Error }
  | { host: string; status: 'skipped'; reason: string };

export interface RolloutSummary {
  resource: string;
  action: Action;
  ok: boolean;
  hosts: HostOutcome[];
  /** SSH commands and tunnelled HTTP requests sent, over all hosts. */
  counts: { exec: number; http: number };
  notifyFailures: string[];
}

/** The `envFrom` values, read from keelson's environment and registered as secrets. Throws ConfigError if one is missing. */
export function readEnvFrom(doc: DeploymentDoc, env: NodeJS.ProcessEnv): Record<string, string> {
  const src = 'container' in doc.spec.source ? doc.spec.source.container : doc.spec.source.git;
  const out: Record<string, string> = {};
  for (const [name, variable] of Object.entries(src.envFrom)) {
    const v = readSecretEnv(env, variable);
    if (v === undefined) throw new ConfigError(`[Deployment/${doc.metadata.name}] environment variable ${variable} (envFrom ${name}) is not set`);
    out[name] = v;
  }
  return out;
}

/** Runs the rollout. Never throws for a host's failure: the summary carries each host's outcome. */
export async function rollout(req: RolloutRequest): Promise<RolloutSummary> {
  const { doc } = req;
  const env = req.env ?? process.env;
  const clock = req.clock ?? systemClock;
  const report = req.report ?? (() => undefined);
  const resource = `Deployment/${doc.metadata.name}`;
  const secretEnv = readEnvFrom(doc, env);
  const deployId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const holder = `${userInfo().username}@${hostname()} pid ${process.pid} run ${deployId}`;
  const connect = req.connect ?? ((h: HostAddress) => connectHost(h, doc.spec.ssh, { root: req.root, env }));
  const counts = { exec: 0, http: 0 };
  const wanted = req.version ?? ('container' in doc.spec.source ? doc.spec.source.container.image : doc.spec.source.git.ref);
  const notifyFailures: string[] = [];
  const send = async (what: string, message: string, details: Record<string, unknown>): Promise<void> => {
    const notifiers = (req.notifiers ?? []).filter((n) => doc.spec.notify.includes(n.metadata.name));
    if (notifiers.length === 0) return;
    const event: NotifyEvent = { event: `${req.action}.${what}`, resource, message: scrub(message), at: new Date(clock.now()).toISOString(), details };
    notifyFailures.push(...(await notifyAll(notifiers, event, env)));
  };

  await send('started', `${req.action} of ${resource}${req.action === 'deploy' ? ` (${wanted})` : ''} started on ${req.hosts.map((h) => h.name).join(', ')}`, { version: req.action === 'deploy' ? wanted : undefined, hosts: req.hosts.map((h) => h.name) });

  const outcomes = new Map<string, HostOutcome>();
  let stopped = false;
  const queue = [...req.hosts];
  const runHost = async (host: HostAddress): Promise<void> => {
    let remote: Remote | undefined;
    const startedAt = clock.now();
    try {
      await req.fence?.();
      try {
        remote = await connect(host);
      } catch (err) {
        throw new DeployError(resource, host.name, 'connect', scrub(err instanceof Error ? err.message : String(err)), { cause: err });
      }
      const run: HostRun = { remote, doc, clock, report, deployId, holder, secretEnv, random: Math.random, startedAt };
      const source = doc.spec.source;
      const result = 'container' in source
        ? await deployContainerHost(run, source.container, req.action === 'rollback' ? { previous: true } : { version: wanted })
        : await deployGitHost(run, source.git, req.action === 'rollback' ? { previous: true } : { ref: wanted });
      outcomes.set(host.name, { host: host.name, status: 'succeeded', result });
    } catch (err) {
      stopped = true;
      outcomes.set(host.name, { host: host.name, status: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
    } finally {
      if (remote) {
        counts.exec += remote.counts.exec;
        counts.http += remote.counts.http;
        remote.close();
      }
    }
  };
  const worker = async (): Promise<void> => {
    for (let host = queue.shift(); host; host = queue.shift()) {
      if (stopped) {
        outcomes.set(host.name, { host: host.name, status: 'skipped', reason: 'an earlier host failed; left on its current version' });
        continue;
      }
      await runHost(host);
    }
  };
  await Promise.all(Array.from({ length: Math.min(doc.spec.strategy.maxParallel, req.hosts.length) }, worker));

  const hosts = req.hosts.map((h) => outcomes.get(h.name) as HostOutcome);
  const ok = hosts.every((h) => h.status === 'succeeded');
  const details = { version: req.action === 'deploy' ? wanted : undefined, hosts: hosts.map(describeOutcome) };
  await send(ok ? 'succeeded' : 'failed', summaryLine(resource, req.action, hosts), details);
  return { resource, action: req.action, ok, hosts, counts, notifyFailures };
}

function describeOutcome(h: HostOutcome): Record<string, unknown> {
  if (h.status === 'succeeded') return { host: h.host, status: h.status, slot: h.result.live.slot, version: h.result.live.version };
  if (h.status === 'failed') return { host: h.host, status: h.status, error: scrub(h.error.message) };
  return { host: h.host, status: h.status, reason: h.reason };
}

function summaryLine(resource: string, action: Action, hosts: HostOutcome[]): string {
  const n = (s: HostOutcome['status']): number => hosts.filter((h) => h.status === s).length;
  return `${action} of ${resource}: ${n('succeeded')} succeeded, ${n('failed')} failed, ${n('skipped')} skipped`;
}

/** One line per host for humans, then the totals. */
export function renderSummary(s: RolloutSummary): string[] {
  const lines = s.hosts.map((h) => {
    if (h.status === 'succeeded') return `  ${h.host}: ok, ${h.result.live.slot} serves ${h.result.live.version}`;
    if (h.status === 'failed') return `  ${h.host}: FAILED, ${scrub(h.error.message)}`;
    return `  ${h.host}: skipped, ${h.reason}`;
  });
  return [summaryLine(s.resource, s.action, s.hosts), ...lines, ...s.notifyFailures.map((l) => `  warning: ${l}`)];
}
