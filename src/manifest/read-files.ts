/**
 * Reads manifest files from disk with the limits that keep hostile input from hurting keelson:
 * sizes are checked with stat before anything is read, bytes must be UTF-8, and symlinks must
 * resolve inside the repository. Nothing here parses YAML.
 */
import type { Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { systemReason, type Problem } from '../errors.ts';

/** Caps applied while loading; every one is checked before the expensive step it protects. */
export interface LoadLimits {
  /** Largest file read, in bytes (checked with stat, before reading). */
  maxFileBytes: number;
  /** Largest total of all files read, in bytes. */
  maxTotalBytes: number;
  /** Most aliases a document may expand (billion laughs). */
  maxAliasCount: number;
  /** Deepest nesting of maps and lists a document may have. */
  maxDepth: number;
  /** Most files in the manifests folder. */
  maxFiles: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 64,
  maxFiles: 10_000,
};

/** One file's text, with its path relative to the repository root (forward slashes, for messages). */
export interface SourceFile {
  file: string;
  text: string;
}

const MANIFEST_EXT = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/** Files read at once: enough to keep the disk and libuv's threads busy, few enough to bound memory. */
const READ_CONCURRENCY = 16;

/**
 * Texts already read in this process, by absolute path, with the stat that vouches for them: a process
 * that loads the repository again (a controller cycle, `apply` after `import`) reads only what changed.
 */
const readCache = new Map<string, { stat: string; text: string }>();
const READ_CACHE_ENTRIES = 20_000;
let diskReads = 0;

/** What must be unchanged for a cached text to stand: the file's identity, size and both timestamps. */
function statKey(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/** Manifest files this process has read from disk so far (unchanged files are read once). */
export function manifestFileReads(): number {
  return diskReads;
}

/** A problem about a whole file, located at its first character. */
export function fileProblem(file: string, message: string): Problem {
  return { file, line: 1, col: 1, path: '', message };
}

/** Path of `abs` relative to `root`, with forward slashes. */
export function displayPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

function isInside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Every `*.yaml` / `*.yml` below `dir` (recursively, sorted, hidden folders and node_modules
 * skipped), read as UTF-8. `exclude` lists absolute paths to leave out (keelson.yaml when the
 * manifests folder is the root). Problems are collected, never thrown.
 */
export async function loadManifestFiles(
  root: string,
  dir: string,
  limits: LoadLimits = DEFAULT_LIMITS,
  exclude: string[] = [],
): Promise<{ files: SourceFile[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  let realRoot: string;
  let realDir: string;
  try {
    realRoot = await realpath(root);
  } catch (err) {
    return { files: [], problems: [fileProblem('.', `cannot read the repository folder: ${systemReason(err) ?? String(err)}`)] };
  }
  try {
    realDir = await realpath(dir);
    if (!(await stat(realDir)).isDirectory()) throw new Error('not a directory');
  } catch {
    return { files: [], problems: [fileProblem(displayPath(root, dir) || '.', 'manifests folder not found (set spec.manifests in keelson.yaml)')] };
  }
  if (!isInside(realRoot, realDir)) {
    return { files: [], problems: [fileProblem(displayPath(root, dir), 'manifests folder resolves outside the repository')] };
  }
  const found: { abs: string; size: number; stat: string }[] = [];
  const seenDirs = new Set<string>();
  const skip = new Set(exclude);

  const walk = async (abs: string, real: string): Promise<void> => {
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    const listed = await readdir(abs, { withFileTypes: true }).catch((err: unknown) => {
      problems.push(fileProblem(displayPath(root, abs) || '.', `cannot list the folder: ${systemReason(err) ?? String(err)}`));
    });
    if (!listed) return;
    const entries = listed.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const child = join(abs, entry.name);
      const shown = displayPath(root, child);
      let target = child;
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(child);
        } catch {
          problems.push(fileProblem(shown, 'broken symlink'));
          continue;
        }
        if (!isInside(realRoot, target)) {
          problems.push(fileProblem(shown, 'symlink points outside the repository; refusing to read it'));
          continue;
        }
      }
      const info = await stat(target).catch((err: unknown) => {
        problems.push(fileProblem(shown, `cannot read: ${systemReason(err) ?? String(err)}`));
      });
      if (!info) continue;
      if (info.isDirectory()) await walk(child, target);
      else if (info.isFile() && MANIFEST_EXT.test(entry.name) && !skip.has(child)) found.push({ abs: child, size: info.size, stat: statKey(info) });
    }
  };
  await walk(dir, realDir);

  if (found.length > limits.maxFiles) {
    return { files: [], problems: [...problems, fileProblem(displayPath(root, dir), `too many manifest files: ${found.length} (limit ${limits.maxFiles})`)] };
  }
  // The total cap is checked in file order before anything is read; the files under it are then
  // read a few at a time, and their results kept in that order.
  const wanted: { abs: string; file: string; size: number; stat: string }[] = [];
  let overTotal: Problem | undefined;
  let total = 0;
  for (const { abs, size, stat: key } of found) {
    const file = displayPath(root, abs);
    total += size;
    if (total > limits.maxTotalBytes) {
      overTotal = fileProblem(file, `the manifests exceed ${formatBytes(limits.maxTotalBytes)} in total; refusing to read more`);
      break;
    }
    wanted.push({ abs, file, size, stat: key });
  }
  const reads = new Array<SourceFile | { problem: Problem }>(wanted.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let i = next++; i < wanted.length; i = next++) {
      const w = wanted[i] as (typeof wanted)[number];
      reads[i] = await readSourceFile(w.abs, w.file, limits, { size: w.size, stat: w.stat });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, wanted.length) }, reader));
  const files: SourceFile[] = [];
  for (const read of reads) {
    if ('problem' in read) problems.push(read.problem);
    else files.push(read);
  }
  if (overTotal) problems.push(overTotal);
  return { files, problems };
}

/**
 * Reads one file after checking its size (stat first unless `known` gives it) and decodes it as strict
 * UTF-8. A file whose stat is unchanged since this process last read it is not read again. A file that
 * cannot be read is a problem naming it, not an exception.
 */
export async function readSourceFile(abs: string, file: string, limits: LoadLimits, known?: { size: number; stat: string }): Promise<SourceFile | { problem: Problem }> {
  try {
    return await readChecked(abs, file, limits, known);
  } catch (err) {
    const reason = systemReason(err);
    if (!reason) throw err;
    return { problem: fileProblem(file, `cannot read: ${reason}`) };
  }
}

async function readChecked(abs: string, file: string, limits: LoadLimits, known?: { size: number; stat: string }): Promise<SourceFile | { problem: Problem }> {
  let size = known?.size;
  let key = known?.stat;
  if (size === undefined || key === undefined) {
    const info = await stat(abs);
    size = info.size;
    key = statKey(info);
  }
  if (size > limits.maxFileBytes) {
    return { problem: fileProblem(file, `file is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit per file`) };
  }
  const cached = readCache.get(abs);
  if (cached?.stat === key) return { file, text: cached.text };
  diskReads++;
  const bytes = await readFile(abs);
  if (bytes.length > limits.maxFileBytes) return { problem: fileProblem(file, `file grew past the ${formatBytes(limits.maxFileBytes)} limit while being read`) };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    // Kept only when the file did not change while it was read (its size is the cheap witness).
    if (bytes.length === size && (readCache.size < READ_CACHE_ENTRIES || readCache.has(abs))) readCache.set(abs, { stat: key, text });
    return { file, text };
  } catch {
    return { problem: { ...fileProblem(file, 'file is not valid UTF-8'), ...firstBadByte(bytes) } };
  }
}

/** Line and column of the first byte that is not valid UTF-8, so the message points at it. */
function firstBadByte(bytes: Uint8Array): { line: number; col: number } {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the longest valid prefix (a cut inside a multi-byte char also fails, so allow 3 bytes).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  const prefix = bytes.subarray(0, lo);
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < prefix.length; i++) {
    if (prefix[i] !== 0x0a) continue;
    line++;
    lastNl = i;
  }
  return { line, col: new TextDecoder().decode(prefix.subarray(lastNl + 1)).length + 1 };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}
