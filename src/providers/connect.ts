/**
 * Builds the providers for a run from keelson.yaml's provider settings and the environment:
 * credentials come only from the variables the project names (registered as secrets, so they never
 * reach output), base URLs may point elsewhere. With no credentials at all keelson starts its embedded
 * simulator in-process and uses that, saying so in a one-line notice.
 */
import type { ProjectConfig } from '../model/types.ts';
import { ConfigError } from '../errors.ts';
import { readSecretEnv } from '../secrets.ts';
import type { Simulator, SimulatorOptions } from '../sim/index.ts';
import { looksLikeSimulatorToken } from '../sim/tokens.ts';
import { createCloudflareClient } from './cloudflare/client.ts';
import { createCloudflareProvider } from './cloudflare/provider.ts';
import { createRateBudget, sharedBudget, type BudgetSettings, type RateBudget } from './rate-budget.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import type { Providers } from './types.ts';
import { createVultrClient } from './vultr/client.ts';
import { createVultrProvider } from './vultr/provider.ts';

export type ProviderSettings = ProjectConfig['providers'];

export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  vultr: { apiKeyEnv: 'VULTR_API_KEY', baseUrlEnv: 'VULTR_BASE_URL', requestsPerSecond: 25 },
  cloudflare: { apiTokenEnv: 'CLOUDFLARE_API_TOKEN', baseUrlEnv: 'CLOUDFLARE_BASE_URL', requestsPerFiveMinutes: 1100 },
};

/** How much faster than the wall the embedded simulator's clock runs (workflows wait on its time). */
export const EMBEDDED_SIM_SPEED = 600;

export interface Endpoints {
  vultr: { apiKey: string; baseUrl?: string };
  cloudflare: { apiToken: string; baseURL?: string };
}

export interface ConnectOptions {
  /** Budgets for this connection only (tests, benches); default: the process-wide shared budgets. */
  budgets?: { vultr?: RateBudget | BudgetSettings; cloudflare?: RateBudget | BudgetSettings };
  retry?: RetryPolicy;
  /** How long a Vultr 429 holds the Vultr budget (tests shorten it); default 1 s. */
  vultrRateLimitWaitMs?: number;
  /**
   * The deadline of every single provider call (one attempt); an unanswered call then fails as a
   * retryable connection error. Default 60 s; `KEELSON_CALL_TIMEOUT_MS` sets it for a command.
   */
  callTimeoutMs?: number;
  /** Options for the embedded simulator when it is used. */
  simulator?: SimulatorOptions;
  /** Where the one-line simulator notice goes (default stderr). */
  notice?: (line: string) => void;
}

export interface Connection {
  providers: Providers;
  /** The embedded simulator, when no credentials were set. */
  simulator?: Simulator;
  budgets: { vultr: RateBudget; cloudflare: RateBudget };
  close(): Promise<void>;
}

/**
 * Reads credentials and base URLs; undefined when neither API has credentials (the simulator case).
 * Throws `ConfigError` before any client exists when the credentials could reach the wrong place:
 * one credential without the other, one base URL without the other (a simulator's tokens would go to
 * the other, real API), or a simulator-issued token aimed at a real (non-loopback) endpoint.
 */
export function readEndpoints(settings: ProviderSettings, env: NodeJS.ProcessEnv): Endpoints | undefined {
  const apiKey = readSecretEnv(env, settings.vultr.apiKeyEnv);
  const apiToken = readSecretEnv(env, settings.cloudflare.apiTokenEnv);
  if (!apiKey && !apiToken) return undefined;
  const missing = [!apiKey && settings.vultr.apiKeyEnv, !apiToken && settings.cloudflare.apiTokenEnv].filter(Boolean);
  if (missing.length) throw new ConfigError(`${missing.join(' and ')} not set: set both credentials, or neither to use the embedded simulator`);
  const endpoints: Endpoints = {
    vultr: { apiKey: apiKey!, baseUrl: env[settings.vultr.baseUrlEnv] || undefined },
    cloudflare: { apiToken: apiToken!, baseURL: env[settings.cloudflare.baseUrlEnv] || undefined },
  };
  refuseMisdirectedCredentials(settings, endpoints);
  return endpoints;
}

/** A base URL that stays on this machine (where a simulator runs); undefined means the real API. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function refuseMisdirectedCredentials(settings: ProviderSettings, e: Endpoints): void {
  const v = settings.vultr.baseUrlEnv;
  const c = settings.cloudflare.baseUrlEnv;
  if (Boolean(e.vultr.baseUrl) !== Boolean(e.cloudflare.baseURL)) {
    const [set, unset] = e.vultr.baseUrl ? [v, c] : [c, v];
    throw new ConfigError(`${set} is set but ${unset} is not: set both base URLs (a simulator) or neither (the real APIs), so one API's credentials never reach the other's real endpoint`);
  }
  const misdirected = [
    looksLikeSimulatorToken(e.vultr.apiKey) && !isLoopbackUrl(e.vultr.baseUrl) && `${settings.vultr.apiKeyEnv} (to ${e.vultr.baseUrl ?? 'the real Vultr API'})`,
    looksLikeSimulatorToken(e.cloudflare.apiToken) && !isLoopbackUrl(e.cloudflare.baseURL) && `${settings.cloudflare.apiTokenEnv} (to ${e.cloudflare.baseURL ?? 'the real Cloudflare API'})`,
  ].filter(Boolean);
  if (misdirected.length) {
    throw new ConfigError(`${misdirected.join(' and ')}: a simulator token would be sent to an endpoint that is not on this machine; point ${v} and ${c} at the simulator, or set real credentials`);
  }
}

function budget(api: 'vultr' | 'cloudflare', given: RateBudget | BudgetSettings | undefined, fallback: BudgetSettings): RateBudget {
  if (given && 'run' in given) return given;
  if (given) return createRateBudget(api, given);
  return sharedBudget(api, fallback);
}

/** Providers over explicit endpoints (real accounts, or a simulator in another process). */
export function connectEndpoints(endpoints: Endpoints, settings: ProviderSettings = DEFAULT_PROVIDER_SETTINGS, opts: ConnectOptions = {}): Connection {
  const budgets = {
    vultr: budget('vultr', opts.budgets?.vultr, { limit: settings.vultr.requestsPerSecond, windowMs: 1000 }),
    // 5% of Cloudflare's window is kept for failover actions (src/failover), whatever else runs.
    cloudflare: budget('cloudflare', opts.budgets?.cloudflare, { limit: settings.cloudflare.requestsPerFiveMinutes, windowMs: 300_000, reserve: Math.floor(settings.cloudflare.requestsPerFiveMinutes / 20) }),
  };
  const retry = opts.retry ?? DEFAULT_RETRY;
  const timeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const vultr = createVultrClient({ ...endpoints.vultr, budget: budgets.vultr, retry, timeoutMs, rateLimitWaitMs: opts.vultrRateLimitWaitMs });
  const cloudflare = createCloudflareClient({ ...endpoints.cloudflare, budget: budgets.cloudflare, retry, timeoutMs });
  return {
    providers: { compute: createVultrProvider(vultr), dns: createCloudflareProvider(cloudflare) },
    budgets,
    close: async () => {},
  };
}

/** How long one provider call may go unanswered before it counts as a dropped connection. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** `KEELSON_CALL_TIMEOUT_MS` (a positive integer of ms), or undefined when unset. */
export function callTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.KEELSON_CALL_TIMEOUT_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw new ConfigError(`KEELSON_CALL_TIMEOUT_MS must be a positive whole number of milliseconds, got ${JSON.stringify(raw)}`);
  return ms;
}

/** Endpoints of a running simulator, with its tokens. */
export function simulatorEndpoints(sim: Simulator): Endpoints {
  return {
    vultr: { apiKey: sim.tokens.vultr, baseUrl: sim.vultrBaseUrl },
    cloudflare: { apiToken: sim.tokens.cloudflare, baseURL: sim.cloudflareBaseUrl },
  };
}

/**
 * Connects to the providers named by the environment, or starts the embedded simulator when no
 * credentials are set. `close()` stops the simulator it started.
 */
export async function connectProviders(settings: ProviderSettings, env: NodeJS.ProcessEnv, given: ConnectOptions = {}): Promise<Connection> {
  const opts = { ...given, callTimeoutMs: given.callTimeoutMs ?? callTimeoutFromEnv(env) };
  const endpoints = readEndpoints(settings, env);
  if (endpoints) return connectEndpoints(endpoints, settings, opts);
  // Loaded only when used: a run against real accounts never loads the simulator.
  const { startSimulator } = await import('../sim/index.ts');
  const sim = await startSimulator({ speed: EMBEDDED_SIM_SPEED, ...opts.simulator });
  (opts.notice ?? ((l) => process.stderr.write(`${l}\n`)))(
    `notice: ${settings.vultr.apiKeyEnv} and ${settings.cloudflare.apiTokenEnv} are not set; using the embedded simulator at ${sim.url} (nothing real is touched)`,
  );
  const conn = connectEndpoints(simulatorEndpoints(sim), settings, opts);
  return { ...conn, simulator: sim, close: () => sim.stop() };
}
