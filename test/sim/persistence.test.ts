import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultWorld } from '../../src/sim/index.ts';
import { removeStaleTemps, StateSaver } from '../../src/sim/persistence.ts';
import type { WorldData } from '../../src/sim/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'keelson-saver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function world(ipCursor: number): WorldData {
  return { ...defaultWorld(), ipCursor };
}

describe('StateSaver', () => {
  it('group-commits concurrent changes: every caller waits for a write that includes its change', async () => {
    const path = join(dir, 'group.json');
    let value = 0;
    let snapshots = 0;
    const saver = new StateSaver(path, () => (snapshots++, world(value)));
    const waits: Promise<number>[] = [];
    for (let i = 1; i <= 20; i++) {
      value = i;
      const seen = i;
      // Each caller checks, once its commit resolves, that the file already holds its change.
      waits.push(saver.commit().then(() => (JSON.parse(readFileSync(path, 'utf8')) as WorldData).ipCursor - seen));
    }
    expect((await Promise.all(waits)).every((d) => d >= 0)).toBe(true);
    // One write for the first change, one shared by the 19 that arrived while it ran.
    expect(snapshots).toBe(2);
    expect((JSON.parse(readFileSync(path, 'utf8')) as WorldData).ipCursor).toBe(20);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects a commit whose write failed, and records the error', async () => {
    const saver = new StateSaver(join(dir, 'missing-dir', 'x.json'), () => world(1));
    await expect(saver.commit()).rejects.toThrow(/ENOENT/);
    expect(saver.lastError?.message).toMatch(/ENOENT/);
  });

  it('removes temp files of dead writers only', async () => {
    const path = join(dir, 'stale.json');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, `.stale.json.${dead}.1.tmp`), '{"trunc');
    writeFileSync(join(dir, `.stale.json.${process.pid}.2.tmp`), '{}');
    expect(await removeStaleTemps(path)).toEqual([`.stale.json.${dead}.1.tmp`]);
    expect(readdirSync(dir).filter((n) => n.startsWith('.stale.json.'))).toEqual([`.stale.json.${process.pid}.2.tmp`]);
  });
});
