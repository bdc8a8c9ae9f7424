/**
 * The sockets behind a reachable simulated server: an HTTP server answering a health path, a plain
 * TCP listener, or a black hole (a listener that never accepts, so connects time out).
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { SimPort } from './types.ts';

/** One bound address:port; `close()` also drops every open connection (the server is gone). */
export interface PortListener {
  close(): Promise<void>;
}

/** How one HTTP request is answered, decided per request by the caller (faults, life). */
export interface HttpAnswerPlan {
  status: number;
  delayMs: number;
  body: Record<string, unknown>;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closer(server: Server, sockets: Set<Socket>): PortListener {
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server on host:port; `plan` decides each answer (it sees the request's Host and path). */
export async function openHttp(host: string, spec: SimPort, plan: (req: IncomingMessage, health: boolean) => HttpAnswerPlan): Promise<PortListener> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const health = path === (spec.path ?? '/health');
    const p = plan(req, health);
    const answer = (): void => {
      timers.delete(timer);
      const body = JSON.stringify(p.body);
      res.writeHead(p.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const timer = setTimeout(answer, p.delayMs);
    timers.add(timer);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await listen(server, host, spec.port);
  const base = closer(server, sockets);
  return {
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await base.close();
    },
  };
}

/** A plain TCP listener: it writes one banner line and closes; `accept` may refuse a connection. */
export async function openTcp(host: string, spec: SimPort, banner: () => string): Promise<PortListener> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.end(`${banner()}\n`);
  });
  await listen(server, host, spec.port);
  return closer(server, sockets);
}

// Node always accepts what it listens on, so the black hole is a listener in a tiny perl process
// (perl-base is on every Debian) with a backlog of 0 that never calls accept(). One connection of our
// own fills its queue; from then on the kernel drops every SYN, and a client's connect times out.
const PERL_LISTENER = `use Socket; my ($ip,$port)=@ARGV; socket(S,PF_INET,SOCK_STREAM,getprotobyname('tcp')) or die "socket: $!\\n";
setsockopt(S,SOL_SOCKET,SO_REUSEADDR,1); bind(S,pack_sockaddr_in($port,inet_aton($ip))) or die "bind $ip:$port: $!\\n";
listen(S,0) or die "listen: $!\\n"; $|=1; print "ready\\n"; my $x=<STDIN>;`;

/** A listener that accepts nothing on host:port: connects and requests time out. */
export async function openBlackhole(host: string, port: number): Promise<PortListener> {
  const child = spawn('perl', ['-e', PERL_LISTENER, host, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stop = (): void => {
    child.stdin.end();
    child.kill();
  };
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`blackhole needs perl on PATH: ${e.message}`)));
      child.once('exit', () => reject(new Error(`blackhole listener on ${host}:${port} exited: ${stderr.trim()}`)));
      child.stdout.once('data', () => resolve());
    });
  } catch (err) {
    stop();
    throw err;
  }
  child.removeAllListeners('exit');
  // If a client got there first its connection fills the queue, and the filler's own SYN is dropped:
  // then the queue is full either way, so a short wait ends it.
  const filler = connect({ host, port });
  filler.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = (): void => (clearTimeout(timer), resolve());
    filler.once('connect', done);
    filler.once('error', done);
  });
  return {
    close: async () => {
      filler.destroy();
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
      stop();
      await exited;
    },
  };
}
