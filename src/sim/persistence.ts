import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { WorldData } from './types.ts';

/**
 * Writes the state atomically: a temp file beside the target, fsync, then rename over it. A kill at
 * any point leaves either the old file or the new one, never a torn one.
 */
export async function saveStateFile(path: string, data: WorldData): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
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
 * Coalesces saves: many changes in a burst give one write, and writes never overlap.
 * `flush()` waits until everything asked for so far is on disk.
 */
export class StateSaver {
  private pending = false;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  lastError: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => WorldData,
    private readonly delayMs = 20,
  ) {}

  schedule(): void {
    this.pending = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.running = this.running.then(async () => {
      if (!this.pending) return;
      this.pending = false;
      try {
        await saveStateFile(this.path, this.snapshot());
        this.lastError = undefined;
      } catch (err) {
        this.lastError = err as Error;
      }
    });
    return this.running;
  }

  /** Forces a write of the current state, even without changes (e.g. to record the clock). */
  saveNow(): Promise<void> {
    this.pending = true;
    return this.flush();
  }
}
