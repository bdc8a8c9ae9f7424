/**
 * A real PostgreSQL server for a test: initdb into a temp folder, pg_ctl on a free loopback port with
 * its unix socket in that folder. As root it runs as the `postgres` system user (runuser), as
 * PostgreSQL refuses to run as root. Missing binaries fail under CI=true instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const havePostgres = (): boolean => existsSync(join(PG_BIN, 'pg_ctl'));

export interface TestPostgres {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  remove(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function asPostgres(cmd: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
}

export async function startPostgres(password = 'pg-s3cret-pass'): Promise<TestPostgres> {
  const base = mkdtempSync(join(tmpdir(), 'keelson-pg-'));
  chmodSync(base, 0o777);
  const data = join(base, 'data');
  const port = await freePort();
  const pwfile = join(base, 'pw');
  execFileSync('sh', ['-c', `printf '%s' "$1" > "$2" && chmod 644 "$2"`, 'sh', password, pwfile]);
  asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'keelson', '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync']);
  const opts = `-p ${port} -k ${base} -h 127.0.0.1 -c fsync=off`;
  const start = () => asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(base, 'log'), '-o', opts, '-w', '-t', '120', 'start']);
  const stop = () => asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '120', 'stop']);
  start();
  return {
    url: `postgres://keelson:${password}@127.0.0.1:${port}/postgres`,
    port, start, stop,
    remove: () => {
      try {
        stop();
      } catch {
        // Already stopped.
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
