/**
 * The controller's HTTP endpoints: `/healthz` (the loop ticked lately), `/readyz` (the first reconcile
 * finished), `/metrics` (Prometheus text), `/api/status` (the status snapshot as JSON) and the git
 * webhook receiver `POST /hooks/git` (and `/`, the status page), which checks a GitHub-style `X-Hub-Signature-256` HMAC over the
 * exact body with a timing-safe compare before it triggers anything.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { StatusAuth } from './status-page/auth.ts';

/** Webhook bodies larger than this are refused (413) before any signature work. */
export const MAX_HOOK_BODY = 1024 * 1024;

export interface EndpointHandlers {
  healthy(): boolean;
  ready(): boolean;
  registry: Registry;
  status(): unknown;
  /** The status page (`GET /`), rendered from the same snapshot. */
  page?(): string;
  /** Protects `/` and `/api/status` (`--status-auth`); health, readiness and metrics stay open for probes. */
  statusAuth?: StatusAuth;
  /** The webhook secret, or undefined when webhooks are off (the receiver then answers 404). */
  hookSecret?: string;
  /** A valid webhook arrived: look at the remote now. */
  onHook(): void;
}

/** Whether `header` is `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`, compared in constant time. */
export function validHubSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const want = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  const got = Buffer.from(header.slice('sha256='.length), 'utf8');
  return got.length === want.length && timingSafeEqual(got, want);
}

function send(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

async function handle(h: EndpointHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/hooks/git') {
    if (!h.hookSecret) return send(res, 404, 'webhooks are not enabled\n');
    const body = await readBody(req, MAX_HOOK_BODY);
    if (body === 'too-large') return send(res, 413, 'body larger than 1 MiB\n');
    const sig = req.headers['x-hub-signature-256'];
    if (!validHubSignature(h.hookSecret, body, Array.isArray(sig) ? sig[0] : sig)) return send(res, 401, 'bad or missing X-Hub-Signature-256\n');
    h.onHook();
    return send(res, 202, 'fetching\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  if ((path === '/' || path === '/api/status') && h.statusAuth && !h.statusAuth.check(req.headers.authorization)) {
    res.setHeader('www-authenticate', h.statusAuth.challenge);
    return send(res, 401, 'authentication required\n');
  }
  switch (path) {
    case '/':
      if (!h.page) return send(res, 404, 'not found\n');
      return send(res, 200, h.page(), 'text/html; charset=utf-8');
    case '/healthz':
      return h.healthy() ? send(res, 200, 'ok\n') : send(res, 503, 'the loop has not ticked within 3 intervals\n');
    case '/readyz':
      return h.ready() ? send(res, 200, 'ready\n') : send(res, 503, 'the first reconcile has not finished\n');
    case '/metrics':
      return send(res, 200, await h.registry.metrics(), h.registry.contentType);
    case '/api/status':
      return send(res, 200, `${JSON.stringify(h.status(), null, 2)}\n`, 'application/json');
    default:
      return send(res, 404, 'not found\n');
  }
}

/** Starts the endpoints on `host:port` (port 0 picks a free one). */
export async function startEndpoints(h: EndpointHandlers, host: string, port: number): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(h, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shown}:${addr.port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
