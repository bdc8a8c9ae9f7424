/**
 * A bounded load generator against nginx: keep-alive clients (a connection reused for every request)
 * and new-connection clients (Connection: close). It records each response's version and when its
 * request started, so a test can check what was served after each deploy returned.
 *
 * Like browsers and Cloudflare's edge (RFC 9112 §9.3.1), a keep-alive client retries an idempotent
 * request once when the server closed the reused idle connection before answering; such retries are
 * counted separately. Anything else — an error, a timeout, a non-200 — is a failed request.
 *
 * `strict` clients are keep-alive clients that never retry (an API client without retries): every
 * error they see is counted in `strictErrors` (a reset at an nginx reload is one), not in `failed`,
 * so a test can report how many such a client sees per deploy.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Sample {
  startedAt: number;
  body: string;
}

export interface LoadStats {
  total: number;
  failed: number;
  failures: string[];
  retriedOnReusedConnection: number;
  /** Requests of the never-retrying keep-alive clients, and the errors they saw. */
  strictTotal: number;
  strictErrors: number;
  strictFailures: string[];
  byVersion: Record<string, number>;
  samples: Sample[];
}

function get(port: number, agent: Agent | false): Promise<{ status: number; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers: agent ? {} : { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reused: req.reusedSocket })));
    req.end();
  });
}

/** Starts the clients; each pauses `pauseMs` between requests so the load leaves CPU for the deploy. */
export function startLoad(opts: { port: number; keepAlive: number; fresh: number; strict?: number; maxRequests: number; maxMs: number; pauseMs?: number }): { stop(): Promise<LoadStats> } {
  const stats: LoadStats = { total: 0, failed: 0, failures: [], retriedOnReusedConnection: 0, strictTotal: 0, strictErrors: 0, strictFailures: [], byVersion: {}, samples: [] };
  const deadline = performance.now() + opts.maxMs;
  let stopping = false;
  const client = async (keepAlive: boolean): Promise<void> => {
    const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
    while (!stopping && stats.total < opts.maxRequests && performance.now() < deadline) {
      const startedAt = performance.now();
      stats.total++;
      try {
        let res;
        try {
          res = await get(opts.port, agent);
        } catch (err) {
          const e = err as NodeJS.ErrnoException & { reused?: boolean };
          if (!(keepAlive && e.reused && e.code === 'ECONNRESET')) throw err;
          stats.retriedOnReusedConnection++;
          res = await get(opts.port, agent);
        }
        if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body.slice(0, 80)}`);
        stats.byVersion[res.body] = (stats.byVersion[res.body] ?? 0) + 1;
        stats.samples.push({ startedAt, body: res.body });
      } catch (err) {
        stats.failed++;
        if (stats.failures.length < 20) stats.failures.push(`${keepAlive ? 'keep-alive' : 'new-connection'}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 5));
    }
    if (agent) agent.destroy();
  };
  const strictClient = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (!stopping && stats.total < opts.maxRequests && performance.now() < deadline) {
      stats.strictTotal++;
      try {
        const res = await get(opts.port, agent);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      } catch (err) {
        stats.strictErrors++;
        const e = err as NodeJS.ErrnoException & { reused?: boolean };
        if (stats.strictFailures.length < 20) stats.strictFailures.push(`${e.code ?? ''} ${e.message}${e.reused ? ' (reused connection)' : ''}`);
      }
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 5));
    }
    agent.destroy();
  };
  const running = Promise.all([
    ...Array.from({ length: opts.strict ?? 0 }, () => strictClient()),
    ...Array.from({ length: opts.keepAlive }, () => client(true)),
    ...Array.from({ length: opts.fresh }, () => client(false)),
  ]);
  return {
    async stop() {
      stopping = true;
      await running;
      return stats;
    },
  };
}

/** Responses whose request started in [from, to) that did not come from `version`. */
export function wrongVersions(samples: Sample[], from: number, to: number, version: string): Sample[] {
  return samples.filter((s) => s.startedAt >= from && s.startedAt < to && s.body !== version);
}

/**
 * Runs `count` deploys alternating between two versions under load (keep-alive and new-connection
 * clients, and a keep-alive client that never retries) within `budgetMs` (derived by the caller from
 * a measured deploy), and returns the load's figures plus, for each deploy, the responses that started in the
 * 100 ms after it returned and did not come from its version, and how many responses were checked.
 */
export async function deploysUnderLoad(port: number, versions: [string, string], count: number, deploy: (version: string) => Promise<void>, budgetMs: number): Promise<{ stats: LoadStats; wrong: Sample[]; checked: number }> {
  const load = startLoad({ port, keepAlive: 2, fresh: 2, strict: 1, maxRequests: 100_000, maxMs: budgetMs + 60_000, pauseMs: 25 });
  const windows: { from: number; to: number; body: string }[] = [];
  const end = performance.now() + budgetMs;
  try {
    for (let i = 0; i < count; i++) {
      // Checked between deploys, so running out of time never leaves a deploy (and its lock) behind.
      if (performance.now() > end) throw new Error(`${i} of ${count} deploys done within the budget of ${Math.round(budgetMs / 1000)} s`);
      const version = versions[i % 2] as string;
      await deploy(version);
      const from = performance.now();
      await new Promise((r) => setTimeout(r, 100));
      windows.push({ from, to: performance.now(), body: version });
    }
  } catch (err) {
    await load.stop();
    throw err;
  }
  const stats = await load.stop();
  const inWindows = (s: Sample): boolean => windows.some((w) => s.startedAt >= w.from && s.startedAt < w.to);
  return {
    stats,
    wrong: windows.flatMap((w) => wrongVersions(stats.samples, w.from, w.to, w.body)),
    checked: stats.samples.filter(inWindows).length,
  };
}

/**
 * Runs `act` (a deploy or rollback) under load; returns its result, how long it took, the load's
 * figures, and the responses started after it returned (within 200 ms) that did not come from `expect`.
 */
export async function underLoad<T>(port: number, expect: string, act: () => Promise<T>): Promise<{ result: T; tookMs: number; stats: LoadStats; wrongAfter: Sample[] }> {
  const load = startLoad({ port, keepAlive: 2, fresh: 2, maxRequests: 5_000, maxMs: 30_000, pauseMs: 25 });
  const t0 = performance.now();
  let result: T;
  try {
    result = await act();
  } catch (err) {
    await load.stop();
    throw err;
  }
  const after = performance.now();
  await new Promise((r) => setTimeout(r, 200));
  const stats = await load.stop();
  return { result, tookMs: after - t0, stats, wrongAfter: wrongVersions(stats.samples, after, Infinity, expect) };
}
