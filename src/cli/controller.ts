import { mkdir } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseDuration } from '../model/duration.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { createRateBudget } from '../providers/rate-budget.ts';
import { readSecretEnv, registerSecret } from '../secrets.ts';
import { GitSource } from '../controller/git-source.ts';
import { startEndpoints } from '../controller/http.ts';
import { isLoopback, STATUS_PASSWORD_ENV, STATUS_TOKEN_ENV, STATUS_USER_ENV, statusAuthFrom, type StatusAuthMode } from '../controller/status-page/auth.ts';
import { renderStatusPage } from '../controller/status-page/render.ts';
import { Controller } from '../controller/loop.ts';
import { countingBudget, createMetrics } from '../controller/metrics.ts';
import { failoverSideLoop } from '../controller/failover-loop.ts';
import { EXIT, exitHelp } from './exit.ts';
import { connectFor } from './session.ts';
import { workflowContext } from './workflow-session.ts';

interface ControllerFlags {
  repo: string;
  branch: string;
  path: string;
  interval: number;
  driftInterval: number;
  listen: string;
  stateDir: string;
  selfHeal: boolean;
  verifyCommits?: string;
  knownHosts?: string;
  sshKeyEnv: string;
  webhookSecretEnv: string;
  shutdownDeadline: number;
  statusAuth: StatusAuthMode;
}

function duration(v: string): number {
  try {
    const ms = parseDuration(v);
    if (ms < 1000) throw new Error('too short');
    return ms;
  } catch {
    throw new InvalidArgumentError('expected a duration of at least 1s such as 30s, 1m, 10m or 1h');
  }
}

/** `127.0.0.1:9090`, `[::1]:9090` or `:9090` (loopback) → host and port. */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(v);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:9090');
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/**
 * `keelson controller --repo URL`: follows a git branch and keeps the providers matching the manifests
 * of its head; reconciles drift, runs scheduled rebuilds and snapshot refreshes, serves /healthz,
 * /readyz, /metrics and the webhook receiver. Runs until SIGTERM or SIGINT, then exits 0.
 */
export function controllerCommand(): Command {
  return new Command('controller')
    .description('follow a git branch: reconcile every commit and every drift, run the schedules, serve health and metrics')
    .requiredOption('--repo <url>', 'the git remote (file://, https:// or SSH)')
    .option('--branch <name>', 'the branch to follow', 'main')
    .option('--path <dir>', 'the repository root inside the git tree (where keelson.yaml is)', '.')
    .option('--interval <duration>', 'look for a new commit this often (jittered)', duration, 60_000)
    .option('--drift-interval <duration>', 'observe and plan this often even with no new commit', duration, 600_000)
    .option('--listen <host:port>', 'address of /healthz, /readyz, /metrics, /api/status and POST /hooks/git', '127.0.0.1:9090')
    .option('--state-dir <dir>', 'where the clone and the checked-out commits live', '.keelson/controller')
    .option('--no-self-heal', 'report drift, do not apply it')
    .option('--verify-commits <allowed-signers>', 'only reconcile commits signed (SSH) by a key in this allowed-signers file')
    .option('--known-hosts <file>', 'known_hosts for an SSH remote (required for SSH: host keys are always checked)')
    .option('--ssh-key-env <var>', 'environment variable holding the SSH deploy key', 'KEELSON_GIT_SSH_KEY')
    .option('--webhook-secret-env <var>', 'environment variable holding the webhook secret (unset: POST /hooks/git answers 404)', 'KEELSON_WEBHOOK_SECRET')
    .option('--shutdown-deadline <duration>', 'how long SIGTERM waits for running steps to reach a safe point', duration, 30_000)
    .addOption(new Option('--status-auth <mode>', `protect / and /api/status: bearer (token in ${STATUS_TOKEN_ENV}) or basic (${STATUS_USER_ENV} and ${STATUS_PASSWORD_ENV})`).choices(['none', 'bearer', 'basic']).default('none'))
    .addHelpText('after', `\nRuns until SIGTERM or SIGINT.${exitHelp('controller')}`)
    .action(async (flags: ControllerFlags) => {
      const listen = parseListen(flags.listen);
      const log = createLogger();
      const env = process.env;
      const statusAuth = statusAuthFrom(flags.statusAuth, env);
      const hookSecret = readSecretEnv(env, flags.webhookSecretEnv);
      registerSecret(hookSecret);
      await mkdir(flags.stateDir, { recursive: true });
      const source = new GitSource({
        repo: flags.repo, branch: flags.branch, path: flags.path, stateDir: flags.stateDir,
        ...(readSecretEnv(env, flags.sshKeyEnv) !== undefined && { sshKeyEnv: flags.sshKeyEnv }),
        ...(flags.knownHosts && { knownHosts: flags.knownHosts }),
        ...(flags.verifyCommits && { allowedSigners: flags.verifyCommits }),
      });
      await source.open();
      const metrics = createMetrics();
      // Idle until a commit in force declares a failover policy; then it probes and edits DNS beside reconcile.
      const failover = failoverSideLoop({ env, log: (level, msg) => log[level](msg) });
      const controller = new Controller({
        source, branch: flags.branch, intervalMs: flags.interval, driftIntervalMs: flags.driftInterval, selfHeal: flags.selfHeal, metrics,
        shutdownDeadlineMs: flags.shutdownDeadline,
        connect: (project: ProjectConfig, manifests: Manifests) => connectFor(project, manifests, {
          budgets: {
            vultr: countingBudget(createRateBudget('vultr', { limit: project.providers.vultr.requestsPerSecond, windowMs: 1000 }), metrics),
            cloudflare: countingBudget(createRateBudget('cloudflare', { limit: project.providers.cloudflare.requestsPerFiveMinutes, windowMs: 300_000 }), metrics),
          },
        }),
        workflow: workflowContext,
        sideLoops: [failover], desired: (m) => failover.desired(m),
        log: (level, msg, fields) => log[level](fields ?? {}, msg),
      });
      const endpoints = await startEndpoints({
        healthy: () => controller.healthy(), ready: () => controller.ready(), registry: metrics.registry, status: () => controller.status(),
        page: () => renderStatusPage(controller.status()), ...(statusAuth && { statusAuth }),
        ...(hookSecret && { hookSecret }), onHook: () => controller.poke(),
      }, listen.host, listen.port).catch((err: unknown) => {
        throw new UsageError(`--listen ${flags.listen}: ${err instanceof Error ? err.message : String(err)}`);
      });
      log.info({ repo: flags.repo, branch: flags.branch, listen: endpoints.url }, 'controller started');
      if (!statusAuth && !isLoopback(listen.host)) {
        log.warn({ listen: endpoints.url }, `the status page and /api/status are served on ${listen.host}, not loopback, without protection: anyone who reaches it reads the fleet; set --status-auth bearer or basic`);
      }
      const stop = () => {
        log.info('stopping: no new work; waiting for running steps to reach a safe point');
        void controller.stop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        await controller.start();
        await controller.stop();
      } finally {
        process.removeListener('SIGTERM', stop);
        process.removeListener('SIGINT', stop);
        await endpoints.close();
        await source.close();
      }
      log.info('controller stopped');
      process.exitCode = EXIT.ok;
    });
}
