/** --status-auth over real HTTP: bearer and basic, 401 with a challenge, probes stay open, no secret in the page. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startEndpoints } from '../../../src/controller/http.ts';
import { isLoopback, statusAuthFrom } from '../../../src/controller/status-page/auth.ts';
import { renderStatusPage } from '../../../src/controller/status-page/render.ts';
import { healthy } from './fixtures.ts';

const CANARY = 'canary-basic-password-91xq';

describe('--status-auth', () => {
  it('basic: wrong user or password 401 with WWW-Authenticate, right ones 200; healthz stays open', async () => {
    const auth = statusAuthFrom('basic', { KEELSON_STATUS_USER: 'ops', KEELSON_STATUS_PASSWORD: CANARY })!;
    const ep = await startEndpoints({ healthy: () => true, ready: () => true, registry: new Registry(), status: () => healthy(), page: () => renderStatusPage(healthy()), statusAuth: auth, onHook: () => {} }, '127.0.0.1', 0);
    try {
      const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      const none = await fetch(`${ep.url}/`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Basic realm="keelson status", charset="UTF-8"');
      expect((await fetch(`${ep.url}/`, { headers: basic('ops', 'nope') })).status).toBe(401);
      expect((await fetch(`${ep.url}/api/status`, { headers: basic('root', CANARY) })).status).toBe(401);
      expect((await fetch(`${ep.url}/`, { headers: { authorization: `Bearer ${CANARY}` } })).status).toBe(401);
      const ok = await fetch(`${ep.url}/`, { headers: basic('ops', CANARY) });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const body = await ok.text();
      expect(body).toContain('id="servers"');
      expect(body).not.toContain(CANARY);
      expect((await fetch(`${ep.url}/healthz`)).status).toBe(200);
    } finally {
      await ep.close();
    }
  });

  it('a missing variable is a usage error naming it', () => {
    expect(() => statusAuthFrom('bearer', {})).toThrow('--status-auth bearer: environment variable KEELSON_STATUS_TOKEN is not set');
    expect(() => statusAuthFrom('basic', { KEELSON_STATUS_USER: 'ops' })).toThrow('KEELSON_STATUS_PASSWORD');
    expect(statusAuthFrom('none', {})).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.8.0.2', '::1', '[::1]', 'localhost'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.0.2.5', 'example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
