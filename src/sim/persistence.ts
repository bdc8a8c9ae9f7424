import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { WorldData } from './types.ts';

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Writes the state atomically: a temp file beside the target, fsync, rename over it, fsync the
 * directory. A kill at any point leaves either the old file or the new one, never a torn one; the
 * directory fsync makes the rename itself survive a power cut, not just a killed process.
 */
export async function saveStateFile(path: string, data: WorldData): Promise<void> {
  const tmp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(data));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files a killed simulator left beside `path` (its pid is in the name and no longer
 * runs). A live writer's temp file is left alone, so two processes never delete each other's work.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const prefix = tempPrefix(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    await unlink(join(dirname(path), name)).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

/** Reads a saved state; undefined when the file does not exist. */
export async function loadStateFile(path: string): Promise<WorldData | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const data = JSON.parse(text) as WorldData;
  if (data.version !== 1) throw new Error(`${path}: not a keelson simulator state file (version ${String(data.version)})`);
  return data;
}

/**
 * Group commit of the state file: writes never overlap, and every caller of `commit()` waits for
 * a write whose snapshot was taken after its change. Changes that arrive while a write is running
 * share the one queued write after it, so a burst of N changes costs two writes, not N.
 */
export class StateSaver {
  private dirty = false;
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  lastError: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => WorldData,
    private readonly delayMs = 20,
  ) {}

  /** Resolves once the state as of now is on disk; rejects if that write failed. */
  commit(): Promise<void> {
    this.dirty = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queued) return this.queued;
    if (!this.writing) return this.start();
    // The running write's snapshot may predate this change: queue one more after it.
    const queued = this.writing.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  /** A save soon, coalesced (for changes nobody waits on: clock advances, admin edits). */
  schedule(): void {
    this.dirty = true;
    if (this.timer || this.queued) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.commit().catch(() => undefined);
    }, this.delayMs);
    this.timer.unref();
  }

  /** Waits until everything changed so far is on disk (a scheduled save is written now). */
  flush(): Promise<void> {
    if (this.dirty) return this.commit();
    return this.queued ?? this.writing ?? Promise.resolve();
  }

  /** Forces a write of the current state, even without changes (e.g. to record the clock). */
  saveNow(): Promise<void> {
    return this.commit();
  }

  private start(): Promise<void> {
    this.dirty = false;
    const write = saveStateFile(this.path, this.snapshot()).finally(() => {
      if (this.writing === write) this.writing = undefined;
    });
    this.writing = write;
    write.then(() => (this.lastError = undefined), (err: unknown) => (this.lastError = err as Error));
    return write;
  }
}
