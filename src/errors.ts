/**
 * keelson's error classes. A failure is classified once, where it enters; the CLI maps these to exit
 * codes and human text in one place (src/cli/exit.ts). Messages read `[kind/name] what failed: why`.
 */

/** Where a problem sits in the manifests: file, 1-based line and column, and the path inside the document. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** JSON-pointer-like path inside the document, e.g. `/spec/records/0/ttl`; empty for the whole document. */
  path: string;
  /** `Kind/name` of the document, when known. */
  resource?: string;
}

/** One problem found in user input. User mistakes are values: every problem is collected, then reported. */
export interface Problem extends SourceLocation {
  message: string;
}

export class KeelsonError extends Error {
  override name = 'KeelsonError';
}

/** The manifests are invalid; carries every problem found in one run. */
export class ManifestError extends KeelsonError {
  override name = 'ManifestError';
  constructor(readonly problems: Problem[]) {
    super(`${problems.length} problem(s) in the manifests`);
  }
}

/** A bad flag or argument on the command line, or a name the manifests do not declare. */
export class UsageError extends KeelsonError {
  override name = 'UsageError';
}

/** The environment is not set up for this command: a credential, base URL or variable missing or inconsistent. */
export class ConfigError extends KeelsonError {
  override name = 'ConfigError';
}

/** A confirmation was declined, or could not be asked (no terminal and no `--yes`). Nothing was changed. */
export class DeclinedError extends KeelsonError {
  override name = 'DeclinedError';
}

/**
 * Why a provider call failed, in words neutral to the provider. Set once, where the failure is
 * classified (src/providers/<api>/errors.ts); callers branch on it, never on message text.
 * `not-ready`: the target exists but cannot be used yet (a snapshot still being taken).
 */
export type ProviderReason = 'rate-limit' | 'server' | 'connection' | 'not-ready' | 'missing' | 'duplicate' | 'auth' | 'invalid';

/** A provider call failed. `reason` and `retryable` are decided once, where the error enters keelson. */
export class ProviderError extends KeelsonError {
  override name = 'ProviderError';
  constructor(
    readonly provider: 'vultr' | 'cloudflare',
    readonly operation: string,
    message: string,
    readonly opts: { reason: ProviderReason; resource?: string; status?: number; retryable: boolean; retryAfterMs?: number; code?: number },
  ) {
    super(`${opts.resource ? `[${opts.resource}] ` : ''}${provider} ${operation} failed: ${message}`);
  }
  get reason(): ProviderReason {
    return this.opts.reason;
  }
  get retryable(): boolean {
    return this.opts.retryable;
  }
  get status(): number | undefined {
    return this.opts.status;
  }
}

/** The plan is refused by a safety check; names the numbers. */
export class UnsafePlanError extends KeelsonError {
  override name = 'UnsafePlanError';
  constructor(readonly reasons: string[]) {
    super(`plan refused: ${reasons.join('; ')}`);
  }
}

/** Another keelson holds the lock. */
export class LockHeldError extends KeelsonError {
  override name = 'LockHeldError';
  constructor(
    readonly lock: string,
    readonly holder: string,
    readonly expiresAt: Date,
  ) {
    super(`${lock} is locked by ${holder} until ${expiresAt.toISOString()}`);
  }
}

/**
 * The repository lock could not be used: no remote, an unreachable remote, or a lock ref that holds
 * something other than a keelson lock. Raised before anything is written.
 */
export class LockError extends KeelsonError {
  override name = 'LockError';
}

/**
 * Fencing: this run held the lock, but the lock is no longer its own (taken over after it expired, or
 * it could not be confirmed before its expiry). The run stops before its next write.
 */
export class LockLostError extends KeelsonError {
  override name = 'LockLostError';
  constructor(
    readonly lock: string,
    readonly epoch: number,
    readonly why: string,
  ) {
    super(`${lock} lost (this run held epoch ${epoch}): ${why}; stopped before the next write`);
  }
}

/** `file:line:col [Kind/name] spec.records[0].ttl`: where a problem is, as a human reads it. */
export function formatLocation(p: SourceLocation): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  const what = [p.resource ? `[${p.resource}]` : undefined, p.path ? dottedPath(p.path) : undefined].filter(Boolean).join(' ');
  return what ? `${where} ${what}` : where;
}

/**
 * A multi-step workflow (rebuild, destroy) stopped. `cleanedUp` says whether what the failed attempt
 * had created was removed again (a rebuild that fails before the DNS flip destroys its new server).
 */
export class WorkflowError extends KeelsonError {
  override name = 'WorkflowError';
  constructor(
    readonly resource: string,
    readonly workflow: 'rebuild' | 'destroy',
    readonly reason: string,
    readonly opts: { step?: string; cleanedUp?: boolean } = {},
  ) {
    super(`[${resource}] ${workflow} failed${opts.step ? ` at ${opts.step}` : ''}: ${reason}`);
  }
}

/**
 * A deploy step failed on one host. The message names the deployment, the host, the step and why
 * (a remote command's exit code and stderr, or the health check's last answer).
 */
export class DeployError extends KeelsonError {
  override name = 'DeployError';
  constructor(
    readonly resource: string,
    readonly host: string,
    readonly step: string,
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(`[${resource}] host ${host}, step ${step} failed: ${why}`, options);
  }
}

/** A host's SSH key is unknown or differs from the one in keelson's known-hosts file. */
export class HostKeyError extends KeelsonError {
  override name = 'HostKeyError';
  constructor(
    readonly host: string,
    readonly presented: string,
    readonly known: string[],
  ) {
    super(
      known.length === 0
        ? `host key of ${host} (${presented}) is not trusted yet; check it and run \`keelson hosts trust ${host}\``
        : `host key of ${host} changed: it presented ${presented} but the known-hosts file has ${known.join(', ')}; refusing to connect (if the host was rebuilt, remove its line and trust it again)`,
    );
  }
}

/** `/spec/records/0/ttl` → `spec.records[0].ttl`. */
export function dottedPath(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s, i) => (/^(0|[1-9][0-9]*)$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

/**
 * keelson refused to contact an address: the Vultr endpoint is a simulator, so a server address
 * outside loopback is made up (and may belong to this machine's own network). Raised before any
 * packet is sent.
 */
export class AddressRefusedError extends KeelsonError {
  override name = 'AddressRefusedError';
  constructor(
    readonly address: string,
    readonly purpose: string,
    readonly endpoint: string,
  ) {
    super(
      `[address/${address}] ${purpose} refused: the Vultr endpoint ${endpoint} is a simulator, and a simulated server's address outside 127.0.0.0/8 is made up; it is never contacted (start the simulator with --reachable for loopback addresses)`,
    );
  }
}
/** Node's errno codes keelson meets, in words. Anything else keeps its own message. */
const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'not found', EACCES: 'permission denied', EPERM: 'operation not permitted', ENOTDIR: 'not a directory',
  EISDIR: 'is a directory', ELOOP: 'too many levels of symbolic links', EMFILE: 'too many open files',
  ENOSPC: 'no space left on the device', EROFS: 'read-only file system', EEXIST: 'already exists',
  ECONNREFUSED: 'connection refused', ECONNRESET: 'connection reset', ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable', ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (try again)', EADDRINUSE: 'address already in use', EPIPE: 'connection closed',
};

/**
 * Why a file or network call failed, in words, for the errors Node raises with an errno code
 * (`ENOENT`, `ECONNREFUSED`, …); undefined for anything else (which may be a bug and keeps its stack).
 */
export function systemReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z_]+$/.test(code)) return undefined;
  return `${SYSTEM_REASONS[code] ?? (err as Error).message} (${code})`;
}

/** A file or connection failed for a reason outside keelson; `what` names the file or address and the action. */
export class SystemFailure extends KeelsonError {
  override name = 'SystemFailure';
  constructor(
    readonly what: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${reason}`, options);
  }
}

/** `err` as a SystemFailure naming `what` when it is a system error; any other error is returned as it is. */
export function classifySystemError(what: string, err: unknown): unknown {
  const reason = systemReason(err);
  return reason ? new SystemFailure(what, reason, { cause: err }) : err;
}
