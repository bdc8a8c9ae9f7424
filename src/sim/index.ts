import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIMULATOR_HEADER } from '../providers/contact-guard.ts';
import { SimAdmin } from './admin.ts';
import { serveAdmin } from './admin-http.ts';
import type { SimTokens } from './auth.ts';
import { createClock } from './clock.ts';
import { cloudflareRoutes } from './cloudflare/routes.ts';
import { DEFAULT_TOKENS } from './default-world.ts';
import { FaultBook, prng, type FaultSpec } from './faults.ts';
import { loadStateFile, removeStaleTemps, StateSaver } from './persistence.ts';
import { RateLimiter } from './rate-limit.ts';
import { Router } from './router.ts';
import { checkPorts, Reachability } from './reach.ts';
import { readSeedFile, worldFromSeed, type WorldSeed } from './seed.ts';
import { apiOf, serveApi, type SimResponseEvent } from './server.ts';
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMITS, DEFAULT_TIMINGS, type RateLimitSettings, type SimLimits, type SimTimings } from './settings.ts';
import { SimState } from './state.ts';
import type { SimPort } from './types.ts';
import { vultrRoutes } from './vultr/routes.ts';

export { SimAdmin } from './admin.ts';
export { defaultWorld, seedInstance, DEFAULT_TOKENS, FOREIGN_IDS } from './default-world.ts';
export type { FaultSpec, Fault, FaultEffect } from './faults.ts';
export type { SimResponseEvent } from './server.ts';
export type { ForeignTouch, LatencySettings } from './state.ts';
export type { WorldSeed } from './seed.ts';
export type { WorldData, ForeignRef, SimPort } from './types.ts';
export type { ReachFault, ReachFaultSpec, ReachView } from './reach.ts';
export { DEFAULT_TIMINGS, DEFAULT_LIMITS, DEFAULT_RATE_LIMITS } from './settings.ts';
export type { SimTimings, SimLimits, RateLimitSettings } from './settings.ts';

/** How to start a simulator; every field is optional. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Simulated time per wall time (default 1): at 100 a 5-minute install takes 3 s. */
  speed?: number;
  /** Stand the clock still; only `admin.advance(ms)` moves it (deterministic tests). */
  manualClock?: boolean;
  /** Simulated epoch ms to start at (default: now, or the saved clock of `statePath`). */
  startTime?: number;
  /** The starting world: a seed object or a JSON/YAML file path; merged onto the default world. */
  seed?: WorldSeed | string;
  /** Keep the world in this file across restarts (atomic writes); it wins over `seed` when it exists. */
  statePath?: string;
  latencyMs?: number;
  jitterMs?: number;
  /** Faults active from the start. */
  faults?: FaultSpec[];
  tokens?: Partial<SimTokens>;
  /** `false` turns rate limiting off; an object overrides the real limits. */
  rateLimits?: boolean | Partial<RateLimitSettings>;
  /** Reported: a GET right after create can 404 for a while (simulated ms; default 0 = off). */
  notFoundAfterCreateMs?: number;
  timings?: Partial<SimTimings>;
  limits?: Partial<SimLimits>;
  /** Seed of the PRNG behind random faults and jitter. */
  randomSeed?: number;
  /** Called with every API response (not admin ones), e.g. to validate it against the specs. */
  onResponse?: (e: SimResponseEvent) => void;
  /**
   * Reachable servers: every instance gets its own 127.x.y.z address (never 127.0.0.1) and serves
   * `ports` there (per instance: a seed's `ports`, or the admin API) while it is installed and running.
   */
  reachable?: boolean | { ports?: SimPort[] };
}

/** A running simulator. `stop()` closes every connection and writes the state file one last time. */
export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/v2'` (for `@vultr/vultr-node`'s `baseUrl`). */
  vultrBaseUrl: string;
  /** `url + '/client/v4'` (for `cloudflare`'s `baseURL`). */
  cloudflareBaseUrl: string;
  tokens: SimTokens;
  admin: SimAdmin;
  /** True when instances answer on their loopback addresses (see `reachable`). */
  reachable: boolean;
  stop(): Promise<void>;
}

function rateSettings(opt: SimulatorOptions['rateLimits']): RateLimitSettings {
  if (opt === false) return { ...DEFAULT_RATE_LIMITS, enabled: false };
  if (opt === true || opt === undefined) return { ...DEFAULT_RATE_LIMITS };
  return { ...DEFAULT_RATE_LIMITS, ...opt };
}

/** Starts the Vultr v2 + Cloudflare v4 simulator on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // A temp file left by a killed run is never the state: the rename had not happened yet.
  if (options.statePath) await removeStaleTemps(options.statePath);
  const saved = options.statePath ? await loadStateFile(options.statePath) : undefined;
  const seed = saved ?? worldFromSeed(typeof options.seed === 'string' ? await readSeedFile(options.seed) : options.seed);
  const clock = createClock({ speed: options.speed ?? 1, manual: options.manualClock ?? false, ...(options.startTime ?? seed.clock) !== undefined && { start: options.startTime ?? seed.clock } });
  const router = new Router();
  router.add([...vultrRoutes(), ...cloudflareRoutes()]);
  const random = prng(options.randomSeed ?? 0x5eed);
  const faults = new FaultBook(random);
  for (const f of options.faults ?? []) faults.add(f);
  const tokens: SimTokens = { ...DEFAULT_TOKENS, ...options.tokens };
  const timings = { ...DEFAULT_TIMINGS, ...options.timings, ...(options.notFoundAfterCreateMs !== undefined && { notFoundAfterCreateMs: options.notFoundAfterCreateMs }) };
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const saver = options.statePath ? new StateSaver(options.statePath, () => state.world.toData(clock.now())) : undefined;
  const state: SimState = new SimState(
    seed, clock, router, faults, new RateLimiter(rateSettings(options.rateLimits), clock.windowNow), tokens, timings, limits,
    { latencyMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0 }, random, saver, options.onResponse, options.reachable !== undefined && options.reachable !== false,
  );
  const reach = state.loopback ? new Reachability(state, checkPorts(typeof options.reachable === 'object' ? options.reachable.ports ?? [] : [])) : undefined;
  const admin = new SimAdmin(state, reach);
  const server = createServer((req, res) => {
    // Every answer says it is simulated, so keelson knows this endpoint's server addresses are made up.
    res.setHeader(SIMULATOR_HEADER, 'vultr-v2 cloudflare-v4');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = apiOf(url.pathname);
    const done = url.pathname.startsWith('/_sim/') ? serveAdmin(admin, req, res, url) : api ? serveApi(state, api, req, res, url) : notFound(res);
    done.catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port ?? 0);
  if (saver && !saved) await saver.saveNow();
  if (reach) {
    reach.start();
    await reach.sync();
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, vultrBaseUrl: `${url}/v2`, cloudflareBaseUrl: `${url}/client/v4`, tokens, admin, reachable: reach !== undefined,
    async stop() {
      await reach?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (saver) await saver.saveNow();
    },
  };
}

async function notFound(res: ServerResponse): Promise<void> {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not a simulated API: use /v2, /client/v4 or /_sim/' }));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
