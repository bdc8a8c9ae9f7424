/** Loading a repository again in one process reads only the files that changed since the last load. */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/manifest/load-project.ts';
import { manifestFileReads } from '../../src/manifest/read-files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyExample(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'keelson-cache-')), name);
  dirs.push(dir);
  cpSync(join(ROOT, 'examples', name), dir, { recursive: true });
  return dir;
}

/** The disk reads one load makes. */
async function readsOf(dir: string): Promise<{ reads: number; result: Awaited<ReturnType<typeof loadProject>> }> {
  const before = manifestFileReads();
  const result = await loadProject(dir);
  return { reads: manifestFileReads() - before, result };
}

describe('manifest reads within one process', () => {
  it('reads each file once, then only what changed, and always sees the change', async () => {
    const dir = copyExample('two-region-saas');
    const files = readdirSync(join(dir, 'manifests')).filter((f) => f.endsWith('.yaml'));
    const first = await readsOf(dir);
    expect(first.result.ok).toBe(true);
    // keelson.yaml, every manifest and the public key file its SSHKey names.
    expect(first.reads).toBe(files.length + 1 + readdirSync(join(dir, 'keys')).length);
    expect((await readsOf(dir)).reads).toBe(0);

    appendFileSync(join(dir, 'manifests', files[0]!), '\n# a comment\n');
    expect((await readsOf(dir)).reads).toBe(1);

    // Same size, new content: the timestamps tell it apart.
    const target = join(dir, 'manifests', 'servers.yaml');
    const text = readFileSync(target, 'utf8');
    const same = text.replace('kind: Server\n', 'kind: Servr \n');
    expect(same.length).toBe(text.length);
    writeFileSync(target, same);
    const broken = await readsOf(dir);
    expect(broken.reads).toBe(1);
    expect(broken.result.ok).toBe(false);
    if (!broken.result.ok) expect(broken.result.problems.map((p) => p.message).join('\n')).toContain('unknown kind "Servr"');

    writeFileSync(join(dir, 'manifests', 'extra.yaml'), '# nothing\n');
    expect((await readsOf(dir)).reads).toBe(1);
  });
});
