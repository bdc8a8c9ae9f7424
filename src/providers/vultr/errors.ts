/**
 * The one place a Vultr failure is classified. @vultr/vultr-node resolves (does not reject) a failed
 * call to an `Error` whose message is `"<statusText>: <body.error>"`; the status code itself is lost,
 * so it is recovered from the status text. Connection failures arrive the same way, as node-fetch's
 * `FetchError` (type "system", with the socket error's code).
 */
import { STATUS_CODES } from 'node:http';
import { ProviderError, type ProviderReason } from '../../errors.ts';

const STATUS_BY_TEXT = new Map<string, number>(
  Object.entries(STATUS_CODES).flatMap(([code, text]) => (text ? [[text.toLowerCase(), Number(code)] as [string, number]] : [])),
);

/** Vultr sends no retry-after the SDK lets us read; its limit is per second, so a 429 waits out one second. */
export const VULTR_RATE_LIMIT_WAIT_MS = 1000;

export interface VultrFailure {
  status?: number;
  message: string;
  connection: boolean;
}

/** Splits the SDK's error text back into a status and the provider's message. */
export function parseVultrError(err: unknown): VultrFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  const sys = e as Error & { type?: string; code?: string };
  if (sys.name === 'FetchError' || sys.type === 'system' || sys.type === 'request-timeout') {
    return { message: `${sys.code ?? 'connection error'}: ${e.message}`, connection: true };
  }
  const colon = e.message.indexOf(': ');
  const head = colon >= 0 ? e.message.slice(0, colon) : e.message;
  const status = STATUS_BY_TEXT.get(head.trim().toLowerCase());
  if (status === undefined) return { message: e.message, connection: false };
  return { status, message: colon >= 0 ? e.message.slice(colon + 2) : head, connection: false };
}

/**
 * The neutral reason of a Vultr failure. Vultr answers "snapshot not complete" as a plain 400, so its
 * text is read here, in this one place; nothing else looks at a provider's message.
 */
export function vultrReason(f: VultrFailure): ProviderReason {
  if (f.connection) return 'connection';
  const s = f.status;
  if (s === undefined) return 'invalid';
  if (s === 429) return 'rate-limit';
  if (s >= 500) return 'server';
  if (s === 401 || s === 403) return 'auth';
  if (s === 404) return 'missing';
  if (s === 409 || /already exists/i.test(f.message)) return 'duplicate';
  if (s === 400 && /snapshot/i.test(f.message) && /(not|pending|complete|ready)/i.test(f.message)) return 'not-ready';
  return 'invalid';
}

/** Classifies any failure of a Vultr call: retryable are 429, 5xx and connection errors. */
export function classifyVultrError(err: unknown, operation: string, resource?: string, rateLimitWaitMs = VULTR_RATE_LIMIT_WAIT_MS): ProviderError {
  if (err instanceof ProviderError) return err;
  const f = parseVultrError(err);
  const reason = vultrReason(f);
  const retryable = reason === 'connection' || reason === 'rate-limit' || reason === 'server';
  return new ProviderError('vultr', operation, f.status ? `${f.status} ${f.message}` : f.message, {
    reason,
    resource,
    status: f.status,
    retryable,
    retryAfterMs: f.status === 429 ? rateLimitWaitMs : undefined,
  });
}
