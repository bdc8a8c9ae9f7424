/**
 * The one place a Cloudflare failure is classified (as external-dns does in its Cloudflare provider).
 * The SDK throws typed errors with `.status`, `.headers` and the envelope's `.errors[{code, message}]`;
 * a connection failure has no status and may or may not have reached Cloudflare.
 */
import { cloudflareSdk } from './sdk.ts';
import { ProviderError, type ProviderReason } from '../../errors.ts';

/** Cloudflare error codes keelson reacts to (reported codes; see shared/API-FACTS.md). */
export const CF_CODES = {
  recordExists: 81057,
  identicalRecordExists: 81058,
  recordMissing: 81044,
  badIdentifier: 7003,
  noRoute: 7000,
  noCredentials: 9106,
  badToken: 6003,
  authentication: 10000,
  rateLimited: 971,
} as const;

const AUTH_CODES = new Set<number>([CF_CODES.noCredentials, CF_CODES.badToken, CF_CODES.authentication]);

/** Cloudflare has no "not ready" failure keelson meets. */
export type CfFailureKind = Exclude<ProviderReason, 'not-ready'>;

export function failureKind(status: number | undefined, codes: number[]): CfFailureKind {
  if (status === undefined) return 'connection';
  if (status === 429 || codes.includes(CF_CODES.rateLimited)) return 'rate-limit';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403 || codes.some((c) => AUTH_CODES.has(c))) return 'auth';
  if (codes.includes(CF_CODES.recordExists) || codes.includes(CF_CODES.identicalRecordExists)) return 'duplicate';
  if (status === 404 || codes.includes(CF_CODES.recordMissing) || codes.includes(CF_CODES.badIdentifier)) return 'missing';
  return 'invalid';
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Classifies any failure of a Cloudflare call: retryable are rate limits, 5xx and connection errors. */
export function classifyCloudflareError(err: unknown, operation: string, resource?: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const { APIConnectionError, APIError } = cloudflareSdk();
  if (err instanceof APIConnectionError) {
    return new ProviderError('cloudflare', operation, `connection error: ${err.message}`, { reason: 'connection', resource, retryable: true });
  }
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : undefined;
    const errors = (err.errors ?? []) as { code?: number; message?: string }[];
    const codes = errors.map((e) => Number(e.code)).filter((c) => Number.isFinite(c));
    const kind = failureKind(status, codes);
    const text = errors.length ? errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ') : err.message;
    const retryable = kind === 'rate-limit' || kind === 'server';
    return new ProviderError('cloudflare', operation, `${status ?? ''} ${kind}: ${text}`.trim(), {
      reason: kind,
      resource,
      // A code-971 body without a 429 is still a rate limit: report it as one, so it is never taken as ambiguous.
      status: kind === 'rate-limit' ? 429 : status,
      retryable,
      code: codes[0],
      retryAfterMs: kind === 'rate-limit' ? (retryAfterMs(err.headers as Headers | undefined) ?? 1000) : undefined,
    });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return new ProviderError('cloudflare', operation, e.message, { reason: 'invalid', resource, retryable: false });
}
