/**
 * One end-to-end environment: sshd, nginx and a trusted known-hosts file in a temp dir, plus a
 * helper that runs a rollout against it and collects its progress lines.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { trustHostKey } from '../../../src/deploy/known-hosts.ts';
import { stateDir } from '../../../src/deploy/remote-scripts.ts';
import { rollout, type RolloutSummary } from '../../../src/deploy/rollout.ts';
import type { DeploymentDoc, DeploymentSpec, NotifierDoc } from '../../../src/model/types.ts';
import { deploymentDoc, sshSettings } from '../../helpers/deployment.ts';
import { cleanupApp, importVersions, startNginx, startSshd, tempDir, type Nginx, type Sshd } from './components.ts';

export interface E2eEnv {
  dir: string;
  sshd: Sshd;
  nginx: Nginx;
  knownHosts: string;
  doc(over: Partial<DeploymentSpec>): DeploymentDoc;
  /** Runs a rollout; `lines` are its progress lines, `stepAt` when each step was first reported (performance.now()). */
  deploy(doc: DeploymentDoc, opts?: { action?: 'deploy' | 'rollback'; version?: string; notifiers?: NotifierDoc[]; env?: NodeJS.ProcessEnv; onProgress?: (line: string) => void }): Promise<RolloutSummary & { lines: string[]; stepAt: Record<string, number> }>;
  /**
   * After a test, timed out or not: refuses new deploys, waits for the ones still running (a test
   * that timed out keeps running in the background), then removes the app's lock; after a failure
   * also its containers, slots and state, so the next test starts from an empty host.
   */
  reset(failed: boolean): Promise<void>;
  stop(): void;
}

export async function startEnv(app: string): Promise<E2eEnv> {
  const dir = tempDir(app);
  const sshd = await startSshd(dir);
  const nginx = await startNginx(dir, app);
  const knownHosts = join(dir, 'known_hosts');
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  await trustHostKey(knownHosts, '127.0.0.1', sshd.port, sshd.hostKeyBlob);
  const doc = (over: Partial<DeploymentSpec>): DeploymentDoc => deploymentDoc(app, {
    targets: { hosts: [{ name: 'local', address: '127.0.0.1', port: sshd.port }] },
    ssh: sshSettings({ keyFile: sshd.clientKey, knownHostsFile: knownHosts, port: sshd.port }),
    proxy: { nginx: { upstreamFile: nginx.upstreamFile, upstreamName: app, command: nginx.command, verifyUrl: `http://127.0.0.1:${nginx.port}/` } },
    ...over,
  });
  const env: E2eEnv = {
    dir, sshd, nginx, knownHosts, doc,
    async deploy(d, opts = {}) {
      if (closed) throw new Error('this test is over (timed out or failed): no further deploys');
      const running = deployOnce(d, opts);
      pending.add(running);
      return running.finally(() => pending.delete(running));
    },
    async reset(failed) {
      closed = true;
      await Promise.allSettled([...pending]);
      closed = false;
      rmSync(join(process.env.HOME ?? '/root', stateDir(app), 'lock'), { recursive: true, force: true });
      if (failed) cleanupApp(app);
    },
    stop() {
      nginx.stop();
      sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;

  async function deployOnce(d: DeploymentDoc, opts: Parameters<E2eEnv['deploy']>[1] = {}): ReturnType<E2eEnv['deploy']> {
    const lines: string[] = [];
    const stepAt: Record<string, number> = {};
    const hosts = 'hosts' in d.spec.targets ? d.spec.targets.hosts : [];
    const summary = await rollout({
      doc: d, action: opts.action ?? 'deploy', version: opts.version, hosts, root: dir, notifiers: opts.notifiers, env: opts.env ?? process.env,
      report: (p) => {
        lines.push(`${p.host} ${p.step}: ${p.message}`);
        opts.onProgress?.(`${p.host} ${p.step}: ${p.message}`);
        stepAt[p.step] ??= performance.now();
      },
    });
    return { ...summary, lines, stepAt };
  }
}

/** Where to kill a deploy: when it reports a step, or as soon as the upstream file was renamed into place. */
export type KillPoint = string | 'upstream-renamed';

/**
 * Starts a deploy in its own process (harness/deploy-child.ts) and SIGKILLs it as soon as it reports
 * `at` (or, for `upstream-renamed`, as soon as the upstream file changed); resolves once it is dead.
 * What it held (the lock, containers, slots) stays behind.
 */
export async function killDeployAt(env: E2eEnv, doc: DeploymentDoc, version: string, at: KillPoint, childEnv: NodeJS.ProcessEnv = process.env, waitMs = 60_000): Promise<string> {
  const docFile = join(env.dir, `killed-${doc.metadata.name}.json`);
  writeFileSync(docFile, JSON.stringify(doc));
  const before = readFileSync(env.nginx.upstreamFile, 'utf8');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'deploy-child.ts'), docFile, env.dir, version], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  let out = '';
  let watcher: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${at} seen within ${waitMs} ms: ${out}`)), waitMs);
      const kill = (): void => {
        clearTimeout(t);
        child.kill('SIGKILL');
        resolve();
      };
      child.once('exit', () => reject(new Error(`the deploy ended before ${at}: ${out}`)));
      if (at === 'upstream-renamed') {
        watcher = setInterval(() => {
          if (readFileSync(env.nginx.upstreamFile, 'utf8') !== before) kill();
        }, 2);
      }
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (at !== 'upstream-renamed' && out.includes(` ${at}: `)) kill();
      });
    });
  } finally {
    clearInterval(watcher);
    child.kill('SIGKILL');
    await exited;
  }
  return out;
}

/** Waits until a LockHeldError's expiry has passed on the host (whole seconds, this machine's clock). */
export async function waitForLockExpiry(error: Error): Promise<void> {
  const expiresAt = (error as { expiresAt?: Date }).expiresAt;
  if (!(expiresAt instanceof Date)) throw new Error(`not a lock error: ${error.message}`);
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now()) + 1100));
}

/** An environment plus the v1 / v2 / sick images, for the container suites. */
export async function startContainerEnv(app: string): Promise<{ env: E2eEnv; images: { images: string[]; remove(): void } }> {
  cleanupApp(app);
  const env = await startEnv(app);
  return { env, images: importVersions(env.dir, app) };
}

export function stopContainerEnv(app: string, env: E2eEnv | undefined, images: { remove(): void } | undefined): void {
  cleanupApp(app);
  images?.remove();
  env?.stop();
}
