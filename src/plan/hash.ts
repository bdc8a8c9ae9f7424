/** Canonical JSON and the hashes built on it (checksums, fingerprints, create hashes, op ids). */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and `undefined` members dropped: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortDeep(v)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortDeep(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The first `length` hex digits of the sha256 of the canonical JSON of `value`. */
export function shortHash(value: unknown, length = 16): string {
  return sha256Hex(canonicalJson(value)).slice(0, length);
}

/** How a secret is shown: its digest, never its text. */
export function sensitiveDigest(text: string): string {
  return `sha256:${sha256Hex(text).slice(0, 16)}`;
}
