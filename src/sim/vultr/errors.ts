import type { SimReply } from '../http-types.ts';

/**
 * Every Vultr error text in one place. Vultr documents no error bodies; the shape
 * `{"error": "...", "status": n}` and the texts marked "reported" come from public bug reports,
 * the rest are best guesses: correct them here when a real answer is seen.
 */
export const VULTR_ERRORS = {
  /** Exact text unknown. */
  unauthorized: 'Invalid API token.',
  /** Exact text unknown; newer docs say 429 carries Retry-After. */
  rateLimited: 'Rate limit reached - please try your request again later.',
  /** Reported: `{"error":"instance not found","status":404}`. */
  instanceNotFound: 'instance not found',
  snapshotNotFound: 'snapshot not found',
  sshKeyNotFound: 'ssh key not found',
  startupScriptNotFound: 'startup script not found',
  reservedIpNotFound: 'reserved ip not found',
  regionNotFound: 'Invalid region.',
  noRoute: 'Invalid API route.',
  methodNotAllowed: 'Method not allowed.',
  invalidJson: 'Invalid JSON body.',
  invalidRegion: 'Invalid region.',
  invalidPlan: 'Invalid plan.',
  planNotInRegion: 'Plan is not available in the selected region.',
  invalidOs: 'Invalid operating system.',
  invalidSnapshot: 'Invalid snapshot.',
  /** Creating from a snapshot that is not complete: 400, exact text unknown. Keep it ONLY here. */
  snapshotNotReady: 'Snapshot is not ready yet. Please wait for the snapshot to complete.',
  /** Reported text for more than one image source. */
  onlyOneSource: 'please provide only one os_id, app_id, or snapshot_id',
  noSource: 'Please provide one of os_id, iso_id, snapshot_id, app_id or image_id.',
  invalidSshKey: 'Invalid SSH key.',
  invalidStartupScript: 'Invalid startup script.',
  invalidInstance: 'Invalid instance.',
  invalidCursor: 'Invalid cursor.',
  invalidPerPage: 'per_page must be between 1 and 500.',
  invalidField: (field: string) => `Invalid value for ${field}.`,
  missingField: (field: string) => `Missing required field: ${field}.`,
  instanceLocked: 'Unable to perform this action while the server is installing.',
  invalidIpType: 'Invalid ip_type. Must be v4 or v6.',
  ipNotOnAccount: 'IP address not found on this account.',
  reservedIpAttached: 'Reserved IP is already attached to an instance.',
  reservedIpNotAttached: 'Reserved IP is not attached to an instance.',
} as const;

/** A Vultr error reply: `{"error": text, "status": code}`. */
export function vultrError(status: number, error: string, headers?: Record<string, string>): SimReply {
  return { status, body: { error, status }, ...(headers ? { headers } : {}) };
}

/** Thrown by validators inside handlers; the server turns it into a Vultr error reply. */
export class VultrFailure extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}
