import { Command, InvalidArgumentError } from 'commander';
import { startSimulator, type Simulator, type SimPort } from '../sim/index.ts';
import { parsePortSpec } from '../sim/reach.ts';
import { exitHelp } from './exit.ts';

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number`);
    return n;
  };
}

function collectPort(value: string, previous: SimPort[]): SimPort[] {
  try {
    return [...previous, parsePortSpec(value)];
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** The environment that points keelson (and the SDKs) at a running simulator, as `NAME=value` lines. */
export function simEnvironment(sim: Simulator): string[] {
  return [
    `VULTR_API_KEY=${sim.tokens.vultr}`,
    `VULTR_BASE_URL=${sim.vultrBaseUrl}`,
    `CLOUDFLARE_API_TOKEN=${sim.tokens.cloudflare}`,
    `CLOUDFLARE_BASE_URL=${sim.cloudflareBaseUrl}`,
  ];
}

/**
 * `keelson sim`: runs the embedded Vultr + Cloudflare simulator in the foreground on 127.0.0.1,
 * prints the environment variables that point keelson at it, and stops cleanly on SIGINT/SIGTERM
 * (writing `--state` one last time).
 */
export function simCommand(): Command {
  return new Command('sim')
    .description('run the embedded Vultr v2 + Cloudflare v4 simulator on 127.0.0.1')
    .addHelpText('after', exitHelp('sim'))
    .option('--port <port>', 'TCP port (0 = any free port)', positive('port'), 0)
    .option('--state <file>', 'keep the simulated world in this file across restarts')
    .option('--speed <factor>', 'simulated time per wall time (100: a 5-minute install takes 3 s)', positive('speed'), 1)
    .option('--seed <file>', 'start from this world fixture (JSON or YAML) instead of the default world')
    .option('--reachable', 'give every server its own 127.x.y.z address and serve its ports there while it is installed and running')
    .option('--serve <port>', 'with --reachable: a port every server serves, http:PORT[/PATH][=STATUS] or tcp:PORT (repeatable)', collectPort, [])
    .action(async (opts: { port: number; state?: string; speed: number; seed?: string; reachable?: boolean; serve: SimPort[] }) => {
      if (opts.serve.length && !opts.reachable) throw new InvalidArgumentError('--serve needs --reachable');
      const sim = await startSimulator({
        port: opts.port, speed: opts.speed, ...(opts.state && { statePath: opts.state }), ...(opts.seed && { seed: opts.seed }),
        ...(opts.reachable && { reachable: { ports: opts.serve } }),
      });
      process.stdout.write(`${simEnvironment(sim).join('\n')}\n`);
      process.stderr.write(`keelson sim: listening on ${sim.url} (admin API under ${sim.url}/_sim/); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.stop();
    });
}
