import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startSimulator, type Simulator, type SimPort, type WorldSeed } from '../sim/index.ts';
import { parsePortSpec } from '../sim/reach.ts';
import { readSeedFile } from '../sim/seed.ts';
import { seedFromManifests } from '../sim/seed-from.ts';
import { exitHelp } from './exit.ts';
import { loadOrThrow } from './session.ts';

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

/** Quotes a value for a POSIX shell when it holds anything beyond the characters URLs and tokens use. */
function shellValue(v: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Install polls against this simulator: the 5 s keelson uses against a real account, scaled by its speed. */
export function simPollMs(speed: number): number {
  return speed > 0 ? Math.max(50, Math.min(5000, Math.round(5000 / speed))) : 5000;
}

/**
 * The environment that points keelson (and the SDKs) at a running simulator, as `export NAME=value`
 * lines a POSIX shell can `eval`; the poll interval follows the simulator's speed.
 */
export function simEnvironment(sim: Simulator, speed = 1): string[] {
  const vars: [string, string][] = [
    ['VULTR_API_KEY', sim.tokens.vultr],
    ['VULTR_BASE_URL', sim.vultrBaseUrl],
    ['CLOUDFLARE_API_TOKEN', sim.tokens.cloudflare],
    ['CLOUDFLARE_BASE_URL', sim.cloudflareBaseUrl],
    ['KEELSON_INSTALL_POLL_MS', String(simPollMs(speed))],
  ];
  return vars.map(([k, v]) => `export ${k}=${shellValue(v)}`);
}

interface SimOptions {
  port: number;
  state?: string;
  speed: number;
  seed?: string;
  seedFrom?: string;
  reachable?: boolean;
  serve: SimPort[];
}

/** The world to start from: `--seed` (or the default world), plus what `--seed-from`'s repository needs. */
async function seedFor(opts: SimOptions): Promise<WorldSeed | string | undefined> {
  if (!opts.seedFrom) return opts.seed;
  const base = opts.seed ? await readSeedFile(opts.seed) : {};
  const { project, manifests } = await loadOrThrow(opts.seedFrom);
  return seedFromManifests(project, manifests, base);
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
    .option('--state <file>', 'keep the simulated world in this file across restarts (an existing file wins over --seed and --seed-from)')
    .option('--speed <factor>', 'simulated time per wall time (100: a 5-minute install takes 3 s)', positive('speed'), 1)
    .option('--seed <file>', 'start from this world fixture (JSON or YAML) instead of the default world')
    .option('--seed-from <dir>', 'add what this repository needs and does not create: undeclared ssh keys, scripts and snapshots, its zones')
    .option('--reachable', 'give every server its own 127.x.y.z address and serve its ports there while it is installed and running')
    .option('--serve <port>', 'with --reachable: a port every server serves, http:PORT[/PATH][=STATUS] or tcp:PORT (repeatable)', collectPort, [])
    .action(async (opts: SimOptions) => {
      if (opts.serve.length && !opts.reachable) throw new InvalidArgumentError('--serve needs --reachable');
      const seed = await seedFor(opts);
      // `--state .keelson/sim.json` in a fresh clone: the folder does not exist yet.
      if (opts.state) await mkdir(dirname(resolve(opts.state)), { recursive: true });
      const sim = await startSimulator({
        port: opts.port, speed: opts.speed, ...(opts.state && { statePath: opts.state }), ...(seed && { seed }),
        ...(opts.reachable && { reachable: { ports: opts.serve } }),
      });
      process.stdout.write(`${simEnvironment(sim, opts.speed).join('\n')}\n`);
      process.stderr.write(`keelson sim: listening on ${sim.url} (admin API under ${sim.url}/_sim/); Ctrl-C stops it\n`);
      if (opts.speed <= 1) process.stderr.write('keelson sim: the clock runs at wall speed, so a server install takes 5 minutes; --speed 100 makes it 3 s\n');
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
