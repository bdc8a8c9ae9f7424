import type { IncomingHttpHeaders } from 'node:http';
import type { SimReply } from './http-types.ts';
import { VULTR_ERRORS, vultrError } from './vultr/errors.ts';
import { CF_ERRORS, cfFailure } from './cloudflare/errors.ts';

/** The credentials the simulator accepts. */
export interface SimTokens {
  vultr: string;
  cloudflare: string;
}

/** Vultr: `Authorization: Bearer <key>`; anything else is 401. Returns an error reply or undefined. */
export function checkVultrAuth(headers: IncomingHttpHeaders, token: string): SimReply | undefined {
  return headers.authorization === `Bearer ${token}` ? undefined : vultrError(401, VULTR_ERRORS.unauthorized);
}

const WELL_FORMED = /^Bearer [A-Za-z0-9._~+/=-]+$/;

/**
 * Cloudflare (as reported): no credentials → 400 9106; a malformed Authorization header → 400
 * 6003/6111; a well-formed token that is not ours → 403 10000.
 */
export function checkCloudflareAuth(headers: IncomingHttpHeaders, token: string): SimReply | undefined {
  const auth = headers.authorization;
  if (auth === undefined && headers['x-auth-key'] === undefined && headers['x-auth-email'] === undefined) return cfFailure(400, [CF_ERRORS.missingAuth]);
  if (auth === undefined) return cfFailure(403, [CF_ERRORS.authError]);
  if (!WELL_FORMED.test(auth)) return cfFailure(400, [CF_ERRORS.badHeaders]);
  return auth === `Bearer ${token}` ? undefined : cfFailure(403, [CF_ERRORS.authError]);
}
