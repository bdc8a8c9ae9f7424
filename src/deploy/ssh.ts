/**
 * The SSH side of a deploy: one ssh2 connection per host, reused for every step; host keys checked
 * against keelson's known-hosts file; a timeout on every command; HTTP checks tunnelled through the
 * same connection (direct-tcpip to the host's own loopback), so the host needs no curl.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Client, type ConnectConfig } from 'ssh2';
import { ConfigError, HostKeyError, SystemFailure, systemReason } from '../errors.ts';
import type { SshSettings } from '../model/types.ts';
import { assertMayContact } from '../providers/contact-guard.ts';
import { readSecretEnv, registerSecret } from '../secrets.ts';
import { shellRunner } from './remote-shell.ts';
import { findKnownKeys, fingerprint, keyTypeOf, readKnownHosts } from './known-hosts.ts';
import type { ExecOptions, ExecResult, HttpAnswer, Remote } from './types.ts';

export interface HostAddress {
  name: string;
  address: string;
  port: number;
}

/** ssh2's host key algorithm names for a key blob's type (RSA keys sign with SHA-2 first). */
function hostKeyAlgorithms(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/** The known-hosts file path: the manifest's (relative to the repository root) or `.keelson/known_hosts`. */
export function knownHostsPath(root: string, ssh: SshSettings): string {
  const file = ssh.knownHostsFile || '.keelson/known_hosts';
  return isAbsolute(file) ? file : resolve(root, file);
}

/** Credentials from the manifest's settings; secret values are registered so `scrub` hides them. */
async function authConfig(ssh: SshSettings, root: string, env: NodeJS.ProcessEnv): Promise<Partial<ConnectConfig>> {
  const out: Partial<ConnectConfig> = { username: ssh.user };
  const passphrase = ssh.passphraseEnv ? readSecretEnv(env, ssh.passphraseEnv) : undefined;
  if (ssh.keyEnv) {
    const key = env[ssh.keyEnv];
    if (!key) throw new ConfigError(`environment variable ${ssh.keyEnv} (ssh.keyEnv) is not set`);
    registerSecret(key);
    out.privateKey = key;
  } else {
    const path = ssh.keyFileEnv ? env[ssh.keyFileEnv] : ssh.keyFile;
    if (ssh.keyFileEnv && !path) throw new ConfigError(`environment variable ${ssh.keyFileEnv} (ssh.keyFileEnv) is not set`);
    if (path) out.privateKey = await readFile(isAbsolute(path) ? path : resolve(root, path));
  }
  if (passphrase) out.passphrase = passphrase;
  if (ssh.agent || !out.privateKey) {
    if (!env.SSH_AUTH_SOCK && !out.privateKey) throw new ConfigError('no SSH key configured (ssh.keyFile, ssh.keyFileEnv, ssh.keyEnv) and SSH_AUTH_SOCK is not set');
    if (env.SSH_AUTH_SOCK) out.agent = env.SSH_AUTH_SOCK;
  }
  return out;
}

/**
 * Connects to a host, accepting only a host key listed for it in the known-hosts file. Throws
 * HostKeyError for an unknown or changed key (naming both fingerprints), or the connection's error.
 */
export async function connectHost(host: HostAddress, ssh: SshSettings, opts: { root: string; env?: NodeJS.ProcessEnv }): Promise<Remote> {
  await assertMayContact(host.address, `ssh to ${host.name}`);
  const env = opts.env ?? process.env;
  const known = findKnownKeys(await readKnownHosts(knownHostsPath(opts.root, ssh)), host.address, host.port);
  const auth = await authConfig(ssh, opts.root, env);
  let refused: HostKeyError | undefined;
  const client = new Client();
  await new Promise<void>((resolveReady, reject) => {
    client.once('ready', () => resolveReady());
    client.once('error', (err) => reject(refused ?? err));
    client.connect({
      ...auth,
      host: host.address,
      port: host.port,
      readyTimeout: ssh.connectTimeout,
      keepaliveInterval: 5000,
      algorithms: known.length ? { serverHostKey: [...new Set(known.flatMap((k) => hostKeyAlgorithms(k.type)))] as never } : undefined,
      hostVerifier: (key: Buffer) => {
        if (known.some((k) => k.blob.equals(key))) return true;
        refused = new HostKeyError(host.name, `${keyTypeOf(key)} ${fingerprint(key)}`, known.map((k) => `${k.type} ${fingerprint(k.blob)}`));
        return false;
      },
    });
  });
  return sshRemote(host.name, client, ssh.commandTimeout);
}

/** Fetches a host's key without logging in (for `keelson hosts trust`). */
export async function fetchHostKey(address: string, port: number, timeoutMs: number): Promise<Buffer> {
  await assertMayContact(address, `host key fetch from ${address}:${port}`);
  const client = new Client();
  let seen: Buffer | undefined;
  await new Promise<void>((done, reject) => {
    client.once('error', (err) => (seen ? done() : reject(new SystemFailure(`cannot fetch the SSH host key of ${address}:${port}`, systemReason(err) ?? err.message, { cause: err }))));
    client.once('ready', () => done());
    client.connect({
      host: address, port, username: 'keelson-trust', readyTimeout: timeoutMs,
      // Refusing after capturing the key ends the handshake before any authentication is tried.
      hostVerifier: (key: Buffer) => {
        seen = Buffer.from(key);
        return false;
      },
    });
  });
  client.end();
  if (!seen) throw new Error(`no host key received from ${address}:${port}`);
  return seen;
}

function sshRemote(name: string, client: Client, defaultTimeout: number): Remote {
  const counts = { exec: 0, http: 0 };
  const shells = shellRunner(client);
  return {
    name,
    counts,
    close: () => client.end(),
    exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
      counts.exec++;
      return shells.exec(command, { ...opts, timeoutMs: opts.timeoutMs ?? defaultTimeout });
    },
    httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<HttpAnswer> {
      counts.http++;
      return new Promise((done, reject) => {
        client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
          if (err) return reject(new Error(`cannot reach ${host}:${port} from the host: ${err.message}`));
          const chunks: Buffer[] = [];
          let size = 0;
          const timer = setTimeout(() => {
            channel.close();
            reject(new Error(`no answer from ${host}:${port}${path} within ${timeoutMs} ms`));
          }, timeoutMs);
          channel.on('data', (d: Buffer) => {
            // The status line and a little body are all a check needs; stop reading past 16 KiB.
            if (size < 16384) chunks.push(d);
            size += d.length;
          });
          // The server answers and closes its side; the channel is closed only then. Ending it once the
          // request is sent is a half-close, which nginx takes for a client that left (499, no answer).
          channel.on('end', () => channel.close());
          channel.on('close', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
            if (!m) return reject(new Error(`no HTTP answer from ${host}:${port}${path}`));
            const sep = text.indexOf('\r\n\r\n');
            done({ status: Number(m[1]), body: sep >= 0 ? text.slice(sep + 4) : '' });
          });
          channel.on('error', () => undefined);
          // HTTP/1.0 with Connection: close: the answer ends when nginx closes the connection.
          channel.write(`GET ${path} HTTP/1.0\r\nHost: ${host}:${port}\r\nUser-Agent: keelson\r\nConnection: close\r\n\r\n`);
        });
      });
    },
  };
}
