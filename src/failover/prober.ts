/**
 * One probe of one target: HTTP(S) with the record's name as `Host` and TLS server name (an app
 * that checks its host header answers as it would to a visitor), or a TCP connect; bounded by the
 * check's timeout. A simulator's made-up address is refused by the address guard before any
 * connect, and that refusal is reported apart from a failure: it says nothing about the server.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { AddressRefusedError } from '../errors.ts';
import type { HealthCheck } from '../model/types.ts';
import { assertMayContact } from '../providers/contact-guard.ts';

export interface ProbeSpec {
  check: HealthCheck;
  scheme: 'http' | 'https';
  tlsVerify: boolean;
  /** The record's name: the Host header and the TLS server name. */
  hostname: string;
}

export type ProbeOutcome = { ok: true } | { ok: false; why: string; refused?: true };

/** Probes `address` once. Never throws. */
export type Prober = (address: string, spec: ProbeSpec) => Promise<ProbeOutcome>;

export const realProber: Prober = async (address, spec) => {
  const { check } = spec;
  try {
    await assertMayContact(address, `failover probe of ${spec.hostname} at ${address}:${check.port}`);
  } catch (err) {
    if (err instanceof AddressRefusedError) return { ok: false, why: err.message, refused: true };
    throw err;
  }
  return check.type === 'tcp' ? tcpProbe(address, check) : httpProbe(address, spec);
};

function tcpProbe(address: string, check: HealthCheck): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port: check.port, timeout: check.timeout });
    const timer = setTimeout(() => done({ ok: false, why: `tcp ${address}:${check.port} timed out after ${check.timeout} ms` }), check.timeout);
    let settled = false;
    const done = (o: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    sock.once('connect', () => done({ ok: true }));
    sock.once('timeout', () => done({ ok: false, why: `tcp ${address}:${check.port} timed out after ${check.timeout} ms` }));
    sock.on('error', (e) => done({ ok: false, why: `tcp ${address}:${check.port}: ${e.message}` }));
  });
}

function httpProbe(address: string, spec: ProbeSpec): Promise<ProbeOutcome> {
  const { check } = spec;
  const where = `${spec.scheme.toUpperCase()} ${spec.hostname}${check.path} at ${address}:${check.port}`;
  return new Promise((resolve) => {
    const box: { req?: ClientRequest } = {};
    // One deadline for the whole exchange; the socket timeout alone would restart on every byte.
    const timer = setTimeout(() => finish({ ok: false, why: `${where} timed out after ${check.timeout} ms` }), check.timeout);
    let settled = false;
    const finish = (o: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      box.req?.destroy();
      resolve(o);
    };
    const onResponse = (res: IncomingMessage): void => {
      res.resume();
      finish(res.statusCode === check.expectStatus ? { ok: true } : { ok: false, why: `${where} answered ${res.statusCode}, expected ${check.expectStatus}` });
    };
    const common = { host: address, port: check.port, path: check.path, method: 'GET', headers: { host: spec.hostname, 'user-agent': 'keelson-failover' }, agent: false as const };
    const req = spec.scheme === 'https'
      ? httpsRequest({ ...common, servername: spec.hostname, rejectUnauthorized: spec.tlsVerify }, onResponse)
      : httpRequest(common, onResponse);
    // `on`, not `once`: destroying the request after the answer may emit a second error.
    box.req = req;
    req.on('error', (e) => finish({ ok: false, why: `${where}: ${e.message}` }));
    req.end();
  });
}
