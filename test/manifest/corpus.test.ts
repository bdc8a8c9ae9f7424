import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../src/manifest/load-project.ts';
import { CASES } from './corpus-cases.ts';
import { srv } from './corpus-docs.ts';
import { writeRepo } from './helpers.ts';

type Expect = [string, number, string | RegExp][];

async function expectProblems(root: string, expected: Expect, opts: LoadOptions = {}): Promise<void> {
  const r = await loadProject(root, opts);
  expect(r.ok, 'the repository must be rejected').toBe(false);
  const got = r.ok ? [] : r.problems.map((p) => [p.file, p.line, p.message] as const);
  expect(got).toHaveLength(expected.length);
  expected.forEach(([file, line, gist], i) => {
    expect(got[i]?.[0]).toBe(file);
    expect(got[i]?.[1], `line of: ${got[i]?.[2]}`).toBe(line);
    if (typeof gist === 'string') expect(got[i]?.[2]).toContain(gist);
    else expect(got[i]?.[2]).toMatch(gist);
  });
}

describe('bad-manifest corpus', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = writeRepo(c.files);
    await expectProblems(root, c.expect);
  });
});

describe('hostile input', () => {
  const M = 'manifests/a.yaml';

  it('refuses a 50 MB file before reading it', async () => {
    const root = writeRepo({ 'manifests/b.yaml': srv('b') });
    writeFileSync(join(root, M), 'a'.repeat(50 * 1024 * 1024));
    await expectProblems(root, [[M, 1, 'file is 50 MiB, over the 1 MiB limit per file']]);
  });

  it('refuses a repository over the total size cap', async () => {
    const root = writeRepo({ [M]: srv('a'), 'manifests/b.yaml': srv('b'), 'manifests/c.yaml': srv('c') });
    await expectProblems(root, [['manifests/c.yaml', 1, 'the manifests exceed 300 bytes in total']], { limits: { maxTotalBytes: 300 } });
  });

  it('refuses a billion-laughs alias bomb', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const root = writeRepo({ [M]: `${levels.join('\n')}\n` });
    await expectProblems(root, [[M, 1, 'aliases expand too much']]);
  });

  it('refuses 10,000-deep flow nesting', async () => {
    const root = writeRepo({ [M]: `spec: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` });
    await expectProblems(root, [[M, 1, 'nesting deeper than 64 levels']]);
  });

  it('refuses 10,000-deep block nesting', async () => {
    const root = writeRepo({ [M]: `${'- '.repeat(10_000)}x\n` });
    await expectProblems(root, [[M, 1, 'nesting deeper than 64 levels']]);
  });

  it('refuses deeply indented maps', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    const root = writeRepo({ [M]: `${text} 1\n` });
    await expectProblems(root, [[M, 258, 'nesting deeper than 64 levels']]);
  });

  it('refuses bytes that are not UTF-8, pointing at the line', async () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: keelson.dev/v1\nkind: Server\nmetadata:\n  name: caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\n')]);
    const root = writeRepo({ [M]: bytes });
    await expectProblems(root, [[M, 4, 'not valid UTF-8']]);
  });

  it('refuses a symlink that leaves the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'keelson-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), srv('stolen'));
    const root = writeRepo({ [M]: srv('a') });
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'manifests/b.yaml'));
    await expectProblems(root, [['manifests/b.yaml', 1, 'symlink points outside the repository']]);
  });

  it('follows a symlink that stays inside the repository', async () => {
    const root = writeRepo({ 'shared/a.yaml': srv('a') });
    symlinkSync(join(root, 'shared'), join(root, 'manifests'));
    expect((await loadProject(root)).ok).toBe(true);
  });

  it('keeps a bare "no" as a string where a string belongs (YAML 1.2)', async () => {
    const root = writeRepo({ [M]: srv('a').replace('  name: a\n', '  name: a\n  labels:\n    country: no\n') });
    const r = await loadProject(root);
    expect(r.ok && r.manifests.servers.get('a')?.metadata.labels.country).toBe('no');
  });
});
