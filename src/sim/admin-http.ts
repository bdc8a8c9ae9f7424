import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAdmin } from './admin.ts';
import type { FaultSpec } from './faults.ts';
import type { ReachFaultSpec } from './reach.ts';
import type { ForeignRef, SimPort } from './types.ts';

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const body: unknown = JSON.parse(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RangeError('body must be a JSON object');
  return body as Record<string, unknown>;
}

type AdminOp = (admin: SimAdmin, body: Record<string, unknown>, arg: string) => unknown | Promise<unknown>;

/** `METHOD /_sim/path` → operation; `:id` segments arrive as `arg`. */
const OPS: Record<string, AdminOp> = {
  'GET /_sim/health': () => ({ ok: true }),
  'GET /_sim/endpoints': (a) => ({ endpoints: a.endpoints() }),
  'GET /_sim/counters': (a) => ({ counters: a.counters() }),
  'DELETE /_sim/counters': (a) => (a.resetCounters(), { counters: {} }),
  'POST /_sim/counters/reset': (a) => (a.resetCounters(), { counters: {} }),
  'GET /_sim/faults': (a) => ({ faults: a.faults() }),
  'POST /_sim/faults': (a, b) => ({ fault: a.addFault(b as unknown as FaultSpec) }),
  'DELETE /_sim/faults': (a) => (a.clearFaults(), { faults: [] }),
  'DELETE /_sim/faults/:id': (a, _b, id) => ({ removed: a.removeFault(id) }),
  'GET /_sim/latency': (a) => a.latency(),
  'PUT /_sim/latency': (a, b) => (a.setLatency(b), a.latency()),
  'GET /_sim/rate-limits': (a) => a.rateLimits(),
  'PUT /_sim/rate-limits': (a, b) => (a.setRateLimits(b), a.rateLimits()),
  'GET /_sim/clock': (a) => ({ now: a.now(), iso: new Date(a.now()).toISOString() }),
  'POST /_sim/clock/advance': (a, b) => {
    const now = a.advance(Number(b.ms));
    return { now, iso: new Date(now).toISOString() };
  },
  'GET /_sim/world': (a) => a.dump(),
  'POST /_sim/reset': (a) => (a.reset(), { ok: true }),
  'GET /_sim/foreign': (a) => ({ foreign: a.foreign(), touches: a.foreignTouches() }),
  'POST /_sim/foreign': (a, b) => (a.markForeign(b as unknown as ForeignRef), { foreign: a.foreign() }),
  'POST /_sim/save': async (a) => (await a.save(), { ok: true }),
  'GET /_sim/reach': (a) => ({ instances: a.reach() }),
  'POST /_sim/reach/sync': async (a) => (await a.syncReachable(), { instances: a.reach() }),
  'GET /_sim/instances/:id/reach': (a, _b, id) => a.reachOf(id),
  'PUT /_sim/instances/:id/ports': (a, b, id) => a.setPorts(id, b.ports as SimPort[]),
  'POST /_sim/instances/:id/faults': async (a, b, id) => ({ fault: await a.addReachFault(id, b as unknown as ReachFaultSpec) }),
  'DELETE /_sim/instances/:id/faults': async (a, _b, id) => ({ removed: await a.clearReachFaults(id) }),
};

/** Serves the admin API under `/_sim/` (JSON in, JSON out; 400 with `{error}` on bad input). */
export async function serveAdmin(admin: SimAdmin, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const m = /^(\/_sim\/faults)\/([^/]+)$/.exec(url.pathname) ?? /^(\/_sim\/instances)\/([^/]+)(\/[a-z]+)$/.exec(url.pathname);
  const key = m ? `${method} ${m[1]}/:id${m[3] ?? ''}` : `${method} ${url.pathname.replace(/\/$/, '')}`;
  const op = OPS[key];
  let status = 200;
  let out: unknown;
  if (!op) {
    status = 404;
    out = { error: `no admin operation ${method} ${url.pathname}`, operations: Object.keys(OPS) };
  } else {
    try {
      out = await op(admin, await jsonBody(req), decodeURIComponent(m?.[2] ?? ''));
    } catch (err) {
      status = 400;
      out = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(out));
}
