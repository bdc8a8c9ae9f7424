/**
 * Step (c) of a rebuild, second half: the server's own health check, run from keelson against the new
 * server's public address (HTTP GET or a TCP connect). Read-only.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { HealthCheck } from '../model/types.ts';
import { assertMayContact } from '../providers/contact-guard.ts';

export type HealthOutcome = { ok: true } | { ok: false; why: string };

/** One check of `check` against `address`. Tests and the bench plug in their own. */
export type HealthProbe = (address: string, check: HealthCheck, timeoutMs: number) => Promise<HealthOutcome>;

/** The real probe: GET http://ADDRESS:PORT/PATH expecting the status, or a TCP connect. Refuses a simulator's made-up address. */
export const directProbe: HealthProbe = async (address, check, timeoutMs) => {
  await assertMayContact(address, `health check ${check.type} ${address}:${check.port}`);
  return new Promise((resolve) => {
    const done = (o: HealthOutcome): void => resolve(o);
    if (check.type === 'tcp') {
      const sock = connect({ host: address, port: check.port, timeout: timeoutMs });
      sock.once('connect', () => (sock.destroy(), done({ ok: true })));
      sock.once('timeout', () => (sock.destroy(), done({ ok: false, why: `tcp ${address}:${check.port} timed out` })));
      sock.once('error', (e) => done({ ok: false, why: `tcp ${address}:${check.port}: ${e.message}` }));
      return;
    }
    const req = request({ host: address, port: check.port, path: check.path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode === check.expectStatus ? { ok: true } : { ok: false, why: `GET ${check.path} answered ${res.statusCode}` });
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', (e) => done({ ok: false, why: `GET ${check.path}: ${e.message}` }));
    req.end();
  });
};
