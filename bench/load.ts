import { connect, type Socket } from 'node:net';
import { parentPort } from 'node:worker_threads';

/** One measurement: what the load generator saw. */
export interface Figures {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  bytes: number;
}

/** What the bench asks the load worker to do. */
export interface LoadJob {
  url: string;
  token: string;
  total: number;
  concurrency: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection sending GETs back to back. A deliberately minimal client (like
 * wrk or autocannon): it parses the status line and content-length and only counts body bytes, so
 * the load generator costs little next to the server it measures. Node's http client spends more
 * CPU per response than the simulator does once list pages are cached.
 */
function drive(socket: Socket, request: Buffer, take: () => boolean, seen: (ms: number, bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let head: Buffer = Buffer.alloc(0);
    let remaining = -1;
    let bytes = 0;
    let t0 = 0;
    const send = () => {
      if (!take()) {
        socket.end();
        return resolve();
      }
      t0 = performance.now();
      socket.write(request);
    };
    socket.on('data', (chunk: Buffer) => {
      let body: Buffer = chunk;
      if (remaining < 0) {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const end = head.indexOf(HEAD_END);
        if (end < 0) return;
        const text = head.subarray(0, end).toString('latin1');
        const status = Number(text.slice(9, 12));
        const length = /\r\ncontent-length: *(\d+)/i.exec(text);
        if (status !== 200 || !length) return reject(new Error(`unexpected response: ${text.split('\r\n')[0]}${length ? '' : ' (no content-length)'}`));
        remaining = Number(length[1]);
        bytes = 0;
        body = head.subarray(end + HEAD_END.length);
        head = Buffer.alloc(0);
      }
      remaining -= body.length;
      bytes += body.length;
      if (remaining > 0) return;
      if (remaining < 0) return reject(new Error('more bytes than content-length (no pipelining is used)'));
      remaining = -1;
      seen(performance.now() - t0, bytes);
      send();
    });
    socket.on('error', reject);
    socket.once('connect', send);
  });
}

/** Fires `total` GETs with `concurrency` connections over keep-alive loopback. */
export async function hammer({ url, token, total, concurrency }: LoadJob): Promise<Figures> {
  const u = new URL(url);
  const request = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\nauthorization: Bearer ${token}\r\n\r\n`, 'latin1');
  const latencies: number[] = [];
  let bytes = 0;
  let sent = 0;
  const take = () => sent++ < total;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => {
    const socket = connect({ host: '127.0.0.1', port: Number(u.port) });
    return drive(socket, request, take, (ms, n) => {
      latencies.push(ms);
      bytes += n;
    }).finally(() => socket.destroy());
  }));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, p50: at(0.5), p99: at(0.99), bytes };
}

// As a worker thread: run each job posted by the bench and post its figures back. The load then
// has its own thread (and core), so the figures measure the simulator, not the client beside it.
parentPort?.on('message', (job: LoadJob) => {
  hammer(job).then((f) => parentPort?.postMessage({ ok: f }), (err: unknown) => parentPort?.postMessage({ error: String(err) }));
});
