/**
 * The one place a Vultr failure is classified. @vultr/vultr-node resolves (does not reject) a failed
 * call to an `Error` whose message is `"<statusText>: <body.error>"`; the status code itself is lost,
 * so it is recovered from the status text. Connection failures arrive the same way, as node-fetch's
 * `FetchError` (type "system", with the socket error's code).
 */
import { STATUS_CODES } from 'node:http';
import { ProviderError } from '../../errors.ts';

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

/** Classifies any failure of a Vultr call: retryable are 429, 5xx and connection errors. */
export function classifyVultrError(err: unknown, operation: string, resource?: string, rateLimitWaitMs = VULTR_RATE_LIMIT_WAIT_MS): ProviderError {
  if (err instanceof ProviderError) return err;
  const f = parseVultrError(err);
  const retryable = f.connection || f.status === 429 || (f.status !== undefined && f.status >= 500);
  return new ProviderError('vultr', operation, f.status ? `${f.status} ${f.message}` : f.message, {
    resource,
    status: f.status,
    retryable,
    retryAfterMs: f.status === 429 ? rateLimitWaitMs : undefined,
  });
}

/** Vultr refuses to create from a snapshot that is not complete yet: a wait, not a failure (text kept here, in one place). */
export function isSnapshotNotReady(err: ProviderError): boolean {
  return err.status === 400 && /snapshot/i.test(err.message) && /(not|pending|complete|ready)/i.test(err.message);
}
