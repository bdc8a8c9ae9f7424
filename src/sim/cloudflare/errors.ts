import type { SimReply } from '../http-types.ts';

/** One Cloudflare error: code and message (and a chain of causes, as Cloudflare sends for 6003). */
export interface CfMessage {
  code: number;
  message: string;
  error_chain?: readonly CfMessage[];
}

/**
 * Every Cloudflare error in one place. Codes marked "reported" come from API-FACTS.md; the others
 * are best guesses (correct them here when a real answer is seen).
 */
export const CF_ERRORS = {
  /** Reported: no credentials at all. */
  missingAuth: { code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' },
  /** Reported: malformed token (6003 with 6111 in the chain). */
  badHeaders: { code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] },
  /** Reported: a well-formed token that may not do this. */
  authError: { code: 10000, message: 'Authentication error' },
  /** Reported body code for 429. */
  rateLimited: { code: 971, message: 'Please wait and consider throttling your request speed' },
  /** Reported: 7003 + 7000 for an unknown identifier or route. */
  noRouteFor: (path: string): CfMessage => ({ code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` }),
  noRoute: { code: 7000, message: 'No route for that URI' },
  methodNotAllowed: { code: 10405, message: 'Method not allowed' },
  invalidJson: { code: 9207, message: 'Request body is invalid.' },
  /** Reported. */
  recordNotFound: { code: 81044, message: 'Record does not exist.' },
  /** Reported: a conflicting record (a CNAME beside other records at one name). */
  recordExists: { code: 81057, message: 'Record already exists.' },
  /** Reported: same type, name and content. */
  identicalRecord: { code: 81058, message: 'An identical record already exists.' },
  recordQuota: { code: 81045, message: 'Record quota exceeded.' },
  validation: (message: string): CfMessage => ({ code: 9000, message }),
  badType: { code: 9004, message: 'DNS record type is invalid.' },
  badName: { code: 9005, message: 'DNS name is invalid.' },
  badContent: (type: string): CfMessage => ({ code: 9006, message: `Content for ${type} record is invalid.` }),
  badTtl: { code: 9021, message: 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.' },
  notProxiable: { code: 9041, message: 'This record type cannot be proxied.' },
  priorityRequired: { code: 9100, message: 'Priority is required for this record type.' },
  commentTooLong: (max: number): CfMessage => ({ code: 9102, message: `DNS record comment cannot be longer than ${max} characters.` }),
  tagsNotAllowed: (count: number): CfMessage => ({ code: 9103, message: `DNS record has ${count} tags, exceeding the quota of 0.` }),
  tooManyTags: (count: number, max: number): CfMessage => ({ code: 9103, message: `DNS record has ${count} tags, exceeding the quota of ${max}.` }),
  badTag: (tag: string): CfMessage => ({ code: 9104, message: `Invalid tag "${tag}": name must be at most 32 and value at most 100 characters.` }),
  batchTooLarge: (max: number): CfMessage => ({ code: 81074, message: `Batch size exceeds the maximum of ${max} operations.` }),
  badPerPage: { code: 1001, message: 'Invalid per_page value.' },
  badPage: { code: 1002, message: 'Invalid page value.' },
  badQuery: (name: string): CfMessage => ({ code: 1003, message: `Invalid value for query parameter ${name}.` }),
} as const;

/** Cloudflare's failure envelope. */
export function cfFailure(status: number, errors: CfMessage[], headers?: Record<string, string>): SimReply {
  return { status, body: { success: false, errors, messages: [], result: null }, ...(headers ? { headers } : {}) };
}

/** Cloudflare's success envelope. */
export function cfSuccess(result: unknown, resultInfo?: unknown): SimReply {
  return { status: 200, body: { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) } };
}

/** Thrown inside handlers; the server turns it into a failure envelope. */
export class CfFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: CfMessage[],
  ) {
    super(errors.map((e) => `${e.code} ${e.message}`).join('; '));
  }
}
