/**
 * Real components for end-to-end tests (E2E.md): OpenSSH's sshd and our own nginx on 127.0.0.1 at
 * free ports in temp dirs, busybox images imported into podman. Everything started here is stopped
 * by PID (or `podman rm -f` / `rmi`) in the returned `stop` functions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPONENTS: Record<string, string[]> = {
  sshd: ['/usr/sbin/sshd'], nginx: ['/usr/sbin/nginx'], podman: ['/usr/bin/podman'], git: ['/usr/bin/git'], busybox: ['/bin/busybox', '/usr/bin/busybox'],
};

/** Missing components: with CI=true the suite fails loudly; locally it may skip. */
export function missingComponents(): string[] {
  return Object.entries(COMPONENTS).filter(([, paths]) => !paths.some((p) => existsSync(p))).map(([name]) => name);
}

export function shouldRun(): boolean {
  const missing = missingComponents();
  if (missing.length === 0 && process.getuid?.() === 0) return true;
  if (process.env.CI === 'true') throw new Error(`end-to-end components missing (${missing.join(', ') || 'root'}); install: apt-get install openssh-server nginx podman runc catatonit busybox-static git`);
  return false;
}

/**
 * An app name unique to this run: several checkouts may run these suites on one machine at once, and
 * an app's containers, lock and state on the host are keyed by its name.
 */
export function uniqueApp(base: string): string {
  return `${base}-${randomBytes(3).toString('hex')}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `keelson-e2e-${prefix}-`));
}

/**
 * A port free right now: any (the kernel picks one) or, with a range, one below the ephemeral range so
 * no outgoing connection takes it later (app ports that are stopped and started again).
 */
export async function freePort(host = '127.0.0.1', range?: { from: number; to: number }): Promise<number> {
  if (range) {
    for (let i = 0; i < 50; i++) {
      const p = range.from + Math.floor(Math.random() * (range.to - range.from + 1));
      if (await canListen(host, p)) return p;
    }
    throw new Error(`no free port in ${range.from}-${range.to}`);
  }
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

function killPidFile(file: string): void {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

export interface Sshd {
  port: number;
  clientKey: string;
  /** Public host key blob. */
  hostKeyBlob: Buffer;
  stop(): void;
}

/** sshd on 127.0.0.1 (and 127.0.0.2) for root, key auth only. */
export async function startSshd(dir: string): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  for (const k of [hostKey, clientKey]) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
  copyFileSync(`${clientKey}.pub`, join(dir, 'authorized_keys'));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', 'ListenAddress 127.0.0.2', `HostKey ${hostKey}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password', 'UsePAM no', 'StrictModes no', 'MaxStartups 50', 'MaxSessions 50', '',
  ].join('\n'));
  execFileSync('/usr/sbin/sshd', ['-f', config, '-E', join(dir, 'sshd.log')]);
  for (let i = 0; i < 50 && !existsSync(join(dir, 'sshd.pid')); i++) await new Promise((r) => setTimeout(r, 20));
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').split(' ')[1] ?? '';
  return { port, clientKey, hostKeyBlob: Buffer.from(pub, 'base64'), stop: () => killPidFile(join(dir, 'sshd.pid')) };
}

export interface Nginx {
  port: number;
  /** The command a manifest names (`-t` and `-s reload` are appended). */
  command: string;
  upstreamFile: string;
  stop(): void;
}

/** Our own nginx (one worker) proxying 127.0.0.1:PORT to the upstream `name` in `upstreamFile`. */
export async function startNginx(dir: string, name: string): Promise<Nginx> {
  const port = await freePort();
  const prefix = join(dir, 'nginx');
  for (const d of ['conf', 'logs', 'tmp']) mkdirSync(join(prefix, d), { recursive: true });
  const upstreamFile = join(prefix, 'conf', 'upstream.conf');
  // A placeholder until the first deploy writes the real one.
  writeFileSync(upstreamFile, `upstream ${name} { server 127.0.0.1:9; }\n`);
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${prefix}/tmp/${t};`).join(' ');
  writeFileSync(join(prefix, 'conf', 'nginx.conf'), [
    `worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log;`,
    'events { worker_connections 1024; }',
    `http { access_log off; ${temps}`,
    `  include ${upstreamFile};`,
    `  server { listen 127.0.0.1:${port}; keepalive_requests 100000; location / { proxy_pass http://${name}; } }`,
    '}', '',
  ].join('\n'));
  const command = `nginx -p ${prefix}/ -c conf/nginx.conf -e ${prefix}/logs/error.log`;
  execFileSync('sh', ['-c', command]);
  return { port, command, upstreamFile, stop: () => killPidFile(join(prefix, 'nginx.pid')) };
}

/**
 * A busybox rootfs serving /www on port 80: `/` answers `body`; /health exists only when healthy;
 * `slowMs` adds /cgi-bin/health, which answers 200 after that long (a CGI script that sleeps).
 */
function rootfs(dir: string, body: string, healthy: boolean, slowMs?: number): string {
  const root = join(dir, `rootfs-${body}`);
  for (const d of ['bin', 'www', 'etc']) mkdirSync(join(root, d), { recursive: true });
  const busybox = existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox';
  copyFileSync(busybox, join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
  writeFileSync(join(root, 'www', 'index.html'), body);
  if (healthy) writeFileSync(join(root, 'www', 'health'), 'ok\n');
  if (slowMs !== undefined) {
    mkdirSync(join(root, 'www', 'cgi-bin'));
    for (const tool of ['sh', 'sleep']) symlinkSync('busybox', join(root, 'bin', tool));
    writeFileSync(join(root, 'www', 'cgi-bin', 'health'), `#!/bin/sh\nsleep ${(slowMs / 1000).toFixed(3)}\nprintf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n`);
    chmodSync(join(root, 'www', 'cgi-bin', 'health'), 0o755);
  }
  return root;
}

/** Imports images `localhost/REPO:TAG`; `healthy: false` makes one whose health check never passes. */
export function importImages(dir: string, repo: string, tags: { tag: string; body: string; healthy: boolean; slowMs?: number }[]): { images: string[]; remove(): void } {
  const images: string[] = [];
  for (const t of tags) {
    const image = `localhost/${repo}:${t.tag}`;
    const root = rootfs(dir, t.body, t.healthy, t.slowMs);
    const r = spawnSync('sh', ['-c', `tar -C ${root} -cf - . | podman import --quiet --change 'CMD ["/bin/busybox","httpd","-f","-p","80","-h","/www"]' - ${image}`]);
    if (r.status !== 0) throw new Error(`podman import failed: ${r.stderr.toString()}`);
    rmSync(root, { recursive: true, force: true });
    images.push(image);
  }
  return { images, remove: () => void spawnSync('podman', ['rmi', '--force', ...images]) };
}

/**
 * The images most suites use: v1 and v2 (`/` answers the tag), sick (no /health, never healthy) and
 * slow (/cgi-bin/health answers after 0.2 s).
 */
export function importVersions(dir: string, repo: string): { images: string[]; remove(): void } {
  return importImages(dir, repo, [
    { tag: 'v1', body: 'v1', healthy: true },
    { tag: 'v2', body: 'v2', healthy: true },
    { tag: 'sick', body: 'sick', healthy: false },
    { tag: 'slow', body: 'slow', healthy: true, slowMs: 200 },
  ]);
}

/** Removes an app's containers and keelson's state for it on this machine. */
export function cleanupApp(app: string): void {
  const names = spawnSync('podman', ['ps', '-a', '--filter', `label=keelson.app=${app}`, '--format', '{{.Names}}']).stdout.toString().split('\n').filter(Boolean);
  if (names.length) spawnSync('podman', ['rm', '--force', '--time', '0', ...names]);
  const state = join(process.env.HOME ?? '/root', '.keelson', 'deploy', app);
  // Git slots: stop each supervisor's process group (pid files written by keelson).
  for (const f of existsSync(state) ? readdirSync(state).filter((n) => n.endsWith('.pid')) : []) {
    const pid = Number(readFileSync(join(state, f), 'utf8').trim());
    try {
      if (pid > 0) process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(join(process.env.HOME ?? '/root', '.keelson', 'deploy', app), { recursive: true, force: true });
}

/** Names of the app's running containers. */
export function runningContainers(app: string): string[] {
  return spawnSync('podman', ['ps', '--filter', `label=keelson.app=${app}`, '--format', '{{.Names}}']).stdout.toString().split('\n').filter(Boolean);
}

/** A bare repository with tags v1, v2 (healthy, `/` answers the tag) and sick (no /health). */
export function makeGitRepo(dir: string): string {
  const work = join(dir, 'work');
  const bare = join(dir, 'app.git');
  const git = (...args: string[]): void => {
    const r = spawnSync('git', args, { cwd: work, env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@localhost', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@localhost' } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  };
  mkdirSync(join(work, 'www'), { recursive: true });
  git('init', '--quiet', '--initial-branch=main');
  for (const v of ['v1', 'v2', 'sick']) {
    writeFileSync(join(work, 'www', 'index.html'), v);
    if (v === 'sick') rmSync(join(work, 'www', 'health'), { force: true });
    else writeFileSync(join(work, 'www', 'health'), 'ok\n');
    git('add', '-A');
    git('commit', '--quiet', '-m', v);
    git('tag', v);
  }
  spawnSync('git', ['clone', '--quiet', '--bare', work, bare]);
  return bare;
}
