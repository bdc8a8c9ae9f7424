import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { realProber, type ProbeSpec } from '../../src/failover/prober.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(s: Server, host = '127.0.0.1'): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, host, r));
  return (s.address() as AddressInfo).port;
}

const spec = (port: number, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  check: { type: 'http', port, path: '/health', expectStatus: 200, interval: 1000, timeout: 1000, healthyThreshold: 2, unhealthyThreshold: 3 },
  scheme: 'http', tlsVerify: true, hostname: 'app.example.com', ...extra,
});

describe('the failover prober', () => {
  it('sends the record name as Host, and reads the status', async () => {
    const hosts: string[] = [];
    const port = await listen(createHttpServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.writeHead(req.headers.host === 'app.example.com' ? 200 : 421).end();
    }));
    expect(await realProber('127.0.0.1', spec(port))).toEqual({ ok: true });
    expect(await realProber('127.0.0.1', spec(port, { hostname: 'other.example.com' }))).toMatchObject({ ok: false, why: expect.stringMatching(/answered 421, expected 200/) });
    expect(hosts).toEqual(['app.example.com', 'other.example.com']);
  });

  it('over HTTPS sends the record name as TLS server name, and checks the certificate unless told not to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=app.example.com',
        '-addext', 'subjectAltName=DNS:app.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const names: string[] = [];
      const port = await listen(createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
        names.push(`${(req.socket as TLSSocket).servername} ${req.headers.host}`);
        res.writeHead(200).end();
      }) as unknown as Server);
      expect(await realProber('127.0.0.1', spec(port, { scheme: 'https', tlsVerify: false }))).toEqual({ ok: true });
      expect(names).toEqual(['app.example.com app.example.com']);
      // Self-signed: with verification on, the probe fails (and says why).
      expect(await realProber('127.0.0.1', spec(port, { scheme: 'https' }))).toMatchObject({ ok: false, why: expect.stringMatching(/self-signed|certificate/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a TCP check on a refused port and an HTTP check past its timeout, never throwing', async () => {
    const closed = await listen(createHttpServer());
    await new Promise((r) => servers.pop()!.close(r));
    expect(await realProber('127.0.0.1', { ...spec(closed), check: { ...spec(closed).check, type: 'tcp' } })).toMatchObject({ ok: false, why: expect.stringMatching(/ECONNREFUSED/) });
    const slow = await listen(createHttpServer(() => undefined));
    expect(await realProber('127.0.0.1', { ...spec(slow), check: { ...spec(slow).check, timeout: 200 } })).toMatchObject({ ok: false, why: expect.stringMatching(/timed out after 200 ms/) });
  });
});
