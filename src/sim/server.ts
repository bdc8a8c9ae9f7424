import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiName, Handler, SimContext, SimReply, SimRequest } from './http-types.ts';
import type { SimState } from './state.ts';
import type { Fault } from './faults.ts';
import type { ForeignRef } from './types.ts';
import { checkCloudflareAuth, checkVultrAuth } from './auth.ts';
import { CF_ERRORS, CfFailure, cfFailure } from './cloudflare/errors.ts';
import { VULTR_ERRORS, VultrFailure, vultrError } from './vultr/errors.ts';

/** One API response, as handed to `onResponse` (e.g. to check it against the OpenAPI specs). */
export interface SimResponseEvent {
  api: ApiName;
  method: string;
  /** `METHOD template` key, as the counters use it. */
  endpoint: string;
  template: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  /** The body as sent ('' for none). */
  bodyText: string;
}

const PARAM_KINDS: Record<string, ForeignRef['kind']> = {
  'instance-id': 'instance', 'snapshot-id': 'snapshot', 'ssh-key-id': 'ssh_key', 'startup-id': 'startup_script',
  'reserved-ip': 'reserved_ip', dns_record_id: 'dns_record',
};

/** Which simulated API a path belongs to. */
export function apiOf(path: string): ApiName | undefined {
  if (path === '/v2' || path.startsWith('/v2/')) return 'vultr';
  if (path === '/client/v4' || path.startsWith('/client/v4/')) return 'cloudflare';
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorReply(api: ApiName, err: unknown): SimReply {
  if (err instanceof VultrFailure) return vultrError(err.status, err.text);
  if (err instanceof CfFailure) return cfFailure(err.status, err.errors);
  const message = err instanceof Error ? err.message : String(err);
  return api === 'vultr' ? vultrError(500, `internal simulator error: ${message}`) : cfFailure(500, [{ code: 10001, message: `internal simulator error: ${message}` }]);
}

function faultReply(api: ApiName, status: number): SimReply {
  if (status === 429) return api === 'vultr' ? vultrError(429, VULTR_ERRORS.rateLimited, { 'retry-after': '1' }) : cfFailure(429, [CF_ERRORS.rateLimited], { 'retry-after': '1' });
  const text = status === 500 ? 'Internal Server Error' : status === 502 ? 'Bad Gateway' : 'Service Unavailable';
  return api === 'vultr' ? vultrError(status, text) : cfFailure(status, [{ code: 10000 + status, message: text }]);
}

/**
 * Serves one API request: count it, wait the configured latency, apply a fault, check auth and
 * rate limits, run the handler, then answer (or drop the connection, if a fault says so).
 */
export async function serveApi(state: SimState, api: ApiName, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const match = state.router.match(method, url.pathname);
  const template = match?.template ?? '<unmatched>';
  const endpoint = `${method} ${template}`;
  state.count(endpoint);
  const bodyText = await readBody(req);
  await state.delay();
  const fault = state.faults.pick(endpoint);
  if (fault && !fault.after && dropOrHold(fault, req, res)) return;
  let reply: SimReply;
  const touched: ForeignRef[] = [];
  const auth = api === 'vultr' ? checkVultrAuth(req.headers, state.tokens.vultr) : checkCloudflareAuth(req.headers, state.tokens.cloudflare);
  // Vultr limits per IP before looking at the key; Cloudflare limits per authenticated user.
  const limit = api === 'vultr' ? state.rateLimiter.check(api) : auth ? undefined : state.rateLimiter.check(api);
  if (api === 'vultr' && limit && !limit.ok) reply = faultReply(api, 429);
  else if (auth) reply = auth;
  else if (limit && !limit.ok) reply = cfFailure(429, [CF_ERRORS.rateLimited], limit.headers);
  else if (fault && !fault.after && typeof fault.effect === 'number') reply = faultReply(api, fault.effect);
  else if (!match) reply = api === 'vultr' ? vultrError(404, VULTR_ERRORS.noRoute) : cfFailure(404, [CF_ERRORS.noRouteFor(url.pathname.replace('/client/v4', '')), CF_ERRORS.noRoute]);
  else if (!match.route) reply = api === 'vultr' ? vultrError(405, VULTR_ERRORS.methodNotAllowed) : cfFailure(405, [CF_ERRORS.methodNotAllowed]);
  else {
    const request: SimRequest = { method, template, params: match.params, query: url.searchParams, body: undefined, headers: req.headers };
    // Only GETs are replayed: they change nothing, so skipping the handler skips no side effect.
    // A GET with a body still goes to the handler, which may refuse the body.
    const cacheKey = method === 'GET' && bodyText === '' ? `${url.pathname}${url.search}` : undefined;
    const hit = cacheKey === undefined ? undefined : state.world.pages.get(cacheKey, state.world.revision, state.clock.now());
    if (hit) reply = { status: hit.status, raw: hit.body, ...(hit.headers && { headers: hit.headers }) };
    else {
      reply = runHandler(state, api, match.route.handler, request, bodyText, touched);
      if (cacheKey !== undefined && reply.cache && reply.status === 200) reply = remember(state, cacheKey, reply, reply.cache);
    }
    if (reply.status < 400 && method !== 'GET') {
      for (const [name, value] of Object.entries(match.params)) {
        const kind = PARAM_KINDS[name];
        if (kind) touched.push({ kind, id: value });
      }
      // With --state, the answer waits until the change is on disk: an acknowledged write survives a
      // kill. If it cannot be saved the client is told (500), though the change stays in memory.
      try {
        await state.changed(endpoint, touched);
      } catch (err) {
        reply = errorReply(api, new Error(`state file not saved: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
  }
  if (limit?.ok) reply = { ...reply, headers: { ...limit.headers, ...reply.headers } };
  if (fault?.after) {
    if (dropOrHold(fault, req, res)) return;
    if (typeof fault.effect === 'number') reply = faultReply(api, fault.effect);
  }
  send(state, res, api, method, endpoint, template, url.pathname, reply);
}

function runHandler(state: SimState, api: ApiName, handler: Handler, base: SimRequest, bodyText: string, touched: ForeignRef[]): SimReply {
  const ctx: SimContext = { world: state.world, clock: state.clock, timings: state.timings, limits: state.limits, touch: (ref) => touched.push(ref) };
  try {
    let body: unknown;
    if (bodyText.trim() !== '') {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return api === 'vultr' ? vultrError(400, VULTR_ERRORS.invalidJson) : cfFailure(400, [CF_ERRORS.invalidJson]);
      }
    }
    return handler({ ...base, body }, ctx);
  } catch (err) {
    return errorReply(api, err);
  }
}

/** Applies a connection-level fault; returns true when the request is finished with. */
function dropOrHold(fault: Fault, req: IncomingMessage, res: ServerResponse): boolean {
  if (fault.effect === 'reset') {
    req.socket.resetAndDestroy();
    return true;
  }
  if (fault.effect === 'timeout') {
    // Never answer; the client's timeout (or stop()) ends the connection.
    void res;
    return true;
  }
  return false;
}

/** Encodes a cacheable reply once and keeps it in the world's page cache. */
function remember(state: SimState, key: string, reply: SimReply, valid: { from: number; until: number }): SimReply {
  const raw = encode(reply);
  const world = state.world;
  world.pages.set(key, world.revision, valid.from, valid.until, { status: reply.status, headers: reply.headers, body: raw });
  return { status: reply.status, raw, ...(reply.headers && { headers: reply.headers }) };
}

const EMPTY = Buffer.alloc(0);

function encode(reply: SimReply): Buffer {
  if (reply.status === 204) return EMPTY;
  if (reply.raw) return reply.raw;
  return Buffer.from(reply.json ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)), 'utf8');
}

function send(state: SimState, res: ServerResponse, api: ApiName, method: string, endpoint: string, template: string, path: string, reply: SimReply): void {
  const body = encode(reply);
  const headers: Record<string, string> = { ...(body.length > 0 && { 'content-type': 'application/json' }), ...reply.headers };
  // One buffer with a content-length (not chunked): one write for the whole body, and the client
  // knows the size up front. 204 carries no body and so no length.
  res.writeHead(reply.status, reply.status === 204 ? headers : { ...headers, 'content-length': String(body.length) });
  res.end(body);
  state.onResponse?.({ api, method, endpoint, template, path, status: reply.status, headers, bodyText: body.toString('utf8') });
}
