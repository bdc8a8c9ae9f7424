/**
 * The workflow marks keelson keeps on a Vultr instance besides the ownership tags
 * (src/model/ownership.ts), so that a rerun reads the progress of a rebuild or destroy back from the
 * provider alone. Formats are stable: changing them loses carry-overs and reruns hooks.
 *
 * - `keelson:flipped=<epoch seconds>` on a rebuild's new server: when DNS moved to it (drain start).
 * - `keelson:bw=<YYYY-MM>:<bytes>` on a server: traffic of its predecessors in that UTC month,
 *   carried over by rebuilds. An absolute value, rewritten (never incremented) on a rerun.
 * - `keelson:hook=<hook name>` on a server being destroyed: that destroy hook has run.
 */
import { createHash } from 'node:crypto';

const FLIPPED = 'keelson:flipped=';
const BW = 'keelson:bw=';
const HOOK = 'keelson:hook=';

/** The value of the first tag with `prefix`, if any. */
function valueOf(tags: readonly string[], prefix: string): string | undefined {
  return tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

/** `tags` without those starting with `prefix`, plus `tag`. */
export function replaceTag(tags: readonly string[], prefix: string, tag: string): string[] {
  return [...tags.filter((t) => !t.startsWith(prefix)), tag].sort();
}

/**
 * The operation id of the rebuild that replaces instance `oldId`: a function of the old instance
 * alone, so every rerun (CLI, apply, controller) finds the same snapshot and the same new server.
 */
export function rebuildOpId(owner: string, name: string, oldId: string): string {
  return `rb-${createHash('sha256').update(`${owner}/${name}/${oldId}`).digest('hex').slice(0, 20)}`;
}

export function flippedAt(tags: readonly string[]): number | undefined {
  const v = valueOf(tags, FLIPPED);
  return v && /^\d+$/.test(v) ? Number(v) * 1000 : undefined;
}

export function withFlipped(tags: readonly string[], at: number): string[] {
  return replaceTag(tags, FLIPPED, `${FLIPPED}${Math.floor(at / 1000)}`);
}

/** Calendar month `YYYY-MM` (UTC) of an epoch ms: the unit Vultr bills traffic in. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Bytes carried over to this server for `month`; 0 when the tag is absent or from another month. */
export function carriedBytes(tags: readonly string[], month: string): number {
  const v = valueOf(tags, BW);
  const m = v ? /^(\d{4}-\d{2}):(\d+)$/.exec(v) : null;
  return m && m[1] === month ? Number(m[2]) : 0;
}

export function withCarried(tags: readonly string[], month: string, bytes: number): string[] {
  return replaceTag(tags, BW, `${BW}${month}:${Math.round(bytes)}`);
}

/** The workflow marks among `tags` (bandwidth carried over, hooks run, flip time): kept whenever tags are rewritten. */
export function workflowTags(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(BW) || t.startsWith(HOOK) || t.startsWith(FLIPPED));
}

export function hooksDone(tags: readonly string[]): Set<string> {
  return new Set(tags.filter((t) => t.startsWith(HOOK)).map((t) => t.slice(HOOK.length)));
}

export function withHookDone(tags: readonly string[], hook: string): string[] {
  return [...new Set([...tags, `${HOOK}${hook}`])].sort();
}
