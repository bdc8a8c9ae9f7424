import { CommanderError } from 'commander';
import { KeelsonError, ManifestError, UnsafePlanError, UsageError, formatLocation } from '../errors.ts';
import { scrub } from '../secrets.ts';

/** Exit codes, the same for every verb. `plan` also uses 2 for "changes pending" (see the README). */
export const EXIT = { ok: 0, failure: 1, changes: 2, usage: 64 } as const;

/**
 * The one place that maps an error to an exit code and to what a human reads. Every message passes
 * through `scrub`, so a credential never reaches the terminal even if a provider echoes it back.
 */
export function describeError(err: unknown): { code: number; lines: string[] } {
  if (err instanceof CommanderError) return { code: err.exitCode === 0 ? 0 : EXIT.usage, lines: [] };
  if (err instanceof ManifestError) {
    return { code: EXIT.failure, lines: err.problems.map((p) => scrub(`${formatLocation(p)}: ${p.message}`)) };
  }
  if (err instanceof UsageError) return { code: EXIT.usage, lines: [scrub(`error: ${err.message}`)] };
  if (err instanceof UnsafePlanError) return { code: EXIT.failure, lines: err.reasons.map((r) => scrub(`refused: ${r}`)) };
  if (err instanceof KeelsonError) {
    return { code: EXIT.failure, lines: [scrub(`error: ${err.message}`)] };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: EXIT.failure, lines: [scrub(`internal error: ${e.stack ?? e.message}`)] };
}
