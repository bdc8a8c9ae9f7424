/**
 * keelson's known-hosts file, in OpenSSH's format: plain or hashed (`|1|salt|hash`) host patterns,
 * `[host]:port` for ports other than 22. Reading is pure; `trustHostKey` appends one line.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string;
  /** The public key blob (the base64 part, decoded). */
  blob: Buffer;
}

/** The name OpenSSH looks a host up by: `host`, or `[host]:port` when the port is not 22. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `SHA256:…` as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

function matchesHost(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  // Negations and wildcards are not written by keelson; exact names only.
  return field.split(',').some((p) => p === name);
}

/** The keys the file lists for a host (empty when the host is unknown). Pure. */
export function findKnownKeys(text: string, address: string, port: number): KnownKey[] {
  const name = hostPattern(address, port);
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    // A leading @cert-authority / @revoked marker is not something keelson trusts.
    if (parts[0]?.startsWith('@')) continue;
    const [hosts, type, b64] = parts;
    if (!hosts || !type || !b64 || !matchesHost(hosts, name)) continue;
    keys.push({ type, blob: Buffer.from(b64, 'base64') });
  }
  return keys;
}

/** One known-hosts line for a key. */
export function knownHostsLine(address: string, port: number, blob: Buffer): string {
  return `${hostPattern(address, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

export async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/**
 * Appends a host's key to the file (creating it). Safe to repeat: a key already listed is not added
 * again. Returns whether a line was added.
 */
export async function trustHostKey(file: string, address: string, port: number, blob: Buffer): Promise<boolean> {
  const text = await readKnownHosts(file);
  if (findKnownKeys(text, address, port).some((k) => k.blob.equals(blob))) return false;
  await mkdir(dirname(file), { recursive: true });
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${sep}${knownHostsLine(address, port, blob)}\n`, { mode: 0o644 });
  return true;
}
