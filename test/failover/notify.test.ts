import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../src/apply/types.ts';
import { startFailover, type FailoverHandle, type RoundReport } from '../../src/failover/index.ts';
import type { NotifierDoc, NotifierFormat } from '../../src/model/types.ts';
import { renderNotification } from '../../src/notify/formats.ts';
import { createNotifySink } from '../../src/notify/sink.ts';
import { signBody, type NotifyEvent } from '../../src/notify/webhook.ts';
import { OWNER, startFailoverWorld, type FailoverWorld } from '../helpers/failover-world.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let world: FailoverWorld | undefined;
let loop: FailoverHandle | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await loop?.stop();
  await world?.sim.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  loop = world = receiver = undefined;
});

async function startReceiver(): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, got };
}

const FORMATS: NotifierFormat[] = ['keelson', 'ntfy', 'pushover', 'slack', 'discord'];

function notifier(format: NotifierFormat, url: string): NotifierDoc {
  return {
    kind: 'Notifier', metadata: { name: `ops-${format}`, labels: {}, annotations: {} }, source: { file: 'manifests/notifier.yaml', line: 1, col: 1 },
    spec: {
      format, events: ['failover.*'],
      webhook: { url: `${url}/${format}`, method: 'POST', headers: {}, headersFromEnv: {}, timeout: 5000, ...(format === 'keelson' && { signingSecretEnv: 'HOOK_SECRET' }) },
      ...(format === 'pushover' && { pushover: { tokenEnv: 'PO_TOKEN', userEnv: 'PO_USER' } }),
    },
  };
}

const ENV = { HOOK_SECRET: 'canary-secret-1', PO_TOKEN: 'canary-token-2', PO_USER: 'canary-user-3' };

describe('failover notifications', () => {
  it('sends exactly one request per transition to every notifier format, each in its own body shape', async () => {
    const rx = await startReceiver();
    world = await startFailoverWorld({ names: 1, perName: 2, policy: { notify: FORMATS.map((f) => `ops-${f}`) } });
    const w = world;
    for (const f of FORMATS) w.manifests.notifiers.set(`ops-${f}`, notifier(f, rx.url));
    const errors: string[] = [];
    const sink = createNotifySink(() => w.manifests.notifiers, { env: ENV, onError: (l) => errors.push(l) });
    let check: (() => void) | undefined;
    const until = (cond: () => boolean) => new Promise<void>((resolve) => (check = () => cond() && resolve()));
    loop = startFailover({ project: { owner: OWNER }, manifests: w.manifests, providers: w.providers(), clock: realClock, sink, onRound: (_r: RoundReport) => check?.() });
    const [target] = w.sets.get('app-0.example.com')!;
    await w.sim.admin.addReachFault(target!, { kind: 'down' });
    await until(() => rx.got.length === FORMATS.length);
    await w.sim.admin.clearReachFaults(target!);
    await until(() => rx.got.length === 2 * FORMATS.length);
    expect(errors).toEqual([]);
    for (const f of FORMATS) {
      const mine = rx.got.filter((g) => g.path === `/${f}`);
      expect(mine, f).toHaveLength(2);
      const keys = mine.map((g) => g.headers['idempotency-key']);
      expect(new Set(keys).size, f).toBe(2);
      const [down, up] = mine.map((g) => g.body);
      if (f === 'keelson') {
        expect(JSON.parse(down!)).toMatchObject({ event: 'failover.down', details: { target, idempotencyKey: keys[0] } });
        expect(mine[0]!.headers['x-keelson-signature']).toBe(signBody(ENV.HOOK_SECRET, down!));
      }
      if (f === 'ntfy') {
        expect(down).toMatch(new RegExp(`${target} failed 2 checks in a row`));
        expect(mine[0]!.headers.title).toBe('keelson: failover.down DNSZone/failover-zone');
        expect(mine[1]!.headers.priority).toBe('3');
      }
      if (f === 'pushover') expect(JSON.parse(down!)).toMatchObject({ token: ENV.PO_TOKEN, user: ENV.PO_USER, title: 'keelson: failover.down DNSZone/failover-zone', priority: 1 });
      if (f === 'slack') expect(JSON.parse(up!)).toEqual({ text: expect.stringMatching(/^\*failover\.up\* .*record is back/) });
      if (f === 'discord') expect(JSON.parse(up!)).toEqual({ content: expect.stringMatching(/^\*\*failover\.up\*\* /) });
    }
  });

  it('drops a second delivery of the same idempotency key, and reports a failed one without throwing', async () => {
    const rx = await startReceiver();
    const docs = new Map([['ops-slack', notifier('slack', rx.url)], ['ops-gone', notifier('discord', 'http://127.0.0.1:9/')]]);
    const errors: string[] = [];
    const sink = createNotifySink(() => docs, { env: ENV, onError: (l) => errors.push(l) });
    const e: NotifyEvent = { event: 'failover.down', resource: 'DNSZone/z', message: 'web-1 down', at: '2026-12-01T00:00:00.000Z', details: { idempotencyKey: 'k1' } };
    await sink.send(e, ['ops-slack', 'ops-gone']);
    await sink.send({ ...e, message: 'web-1 down (again, other wording)' }, ['ops-slack']);
    expect(rx.got).toHaveLength(1);
    expect(errors).toEqual([expect.stringMatching(/^\[Notifier\/ops-discord\] sending failover.down failed/)]);
  });

  it('renders each documented payload shape', () => {
    const e: NotifyEvent = { event: 'failover.up', resource: 'DNSZone/z', message: 'x'.repeat(3000), at: '2026-12-01T00:00:00.000Z', details: {} };
    expect(JSON.parse(renderNotification('discord', e).body).content).toHaveLength(2000);
    expect(JSON.parse(renderNotification('pushover', e, { token: 't', user: 'u' }).body).message).toHaveLength(1024);
    expect(renderNotification('ntfy', e).headers['content-type']).toMatch(/^text\/plain/);
  });
});
