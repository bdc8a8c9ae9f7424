/**
 * Optional protection of the status page and `/api/status` (`--status-auth`): a bearer token or
 * basic-auth credentials, read from environment variables, never from flags (flags show in `ps`).
 * Both sides are hashed before a timing-safe compare, so neither the length nor a prefix leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { UsageError } from '../../errors.ts';
import { readSecretEnv } from '../../secrets.ts';

export type StatusAuthMode = 'none' | 'bearer' | 'basic';

export const STATUS_TOKEN_ENV = 'KEELSON_STATUS_TOKEN';
export const STATUS_USER_ENV = 'KEELSON_STATUS_USER';
export const STATUS_PASSWORD_ENV = 'KEELSON_STATUS_PASSWORD';

/** What a request must present; `check` answers whether its Authorization header does. */
export interface StatusAuth {
  mode: Exclude<StatusAuthMode, 'none'>;
  check(authorization: string | undefined): boolean;
  /** The WWW-Authenticate challenge of a 401. */
  challenge: string;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Builds the check for `mode` from the environment; a missing variable is a usage error naming it. */
export function statusAuthFrom(mode: StatusAuthMode, env: NodeJS.ProcessEnv): StatusAuth | undefined {
  if (mode === 'none') return undefined;
  const need = (name: string): string => {
    const v = readSecretEnv(env, name);
    if (!v) throw new UsageError(`--status-auth ${mode}: environment variable ${name} is not set`);
    return v;
  };
  if (mode === 'bearer') {
    const token = need(STATUS_TOKEN_ENV);
    return {
      mode, challenge: 'Bearer realm="keelson status"',
      check: (a) => !!a && a.startsWith('Bearer ') && same(a.slice('Bearer '.length).trim(), token),
    };
  }
  const user = need(STATUS_USER_ENV);
  const password = need(STATUS_PASSWORD_ENV);
  return {
    mode, challenge: 'Basic realm="keelson status", charset="UTF-8"',
    check: (a) => {
      if (!a || !a.startsWith('Basic ')) return false;
      const decoded = Buffer.from(a.slice('Basic '.length).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // Both compared, always: no early exit on a wrong user name.
      const u = same(decoded.slice(0, colon), user);
      const p = same(decoded.slice(colon + 1), password);
      return u && p;
    },
  };
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}
