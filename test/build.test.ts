/** The dist/ build: one JavaScript module per source, `.ts` imports rewritten, incremental by content. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDist } from '../scripts/build-dist.ts';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A tiny project laid out like keelson's: tsconfig.json, tsconfig.build.json, src/ with a `.ts` import. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'keelson-build-'));
  roots.push(root);
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, allowImportingTsExtensions: true, verbatimModuleSyntax: true, noEmit: true } }));
  writeFileSync(join(root, 'tsconfig.build.json'), readFileSync(join(import.meta.dirname, '..', 'tsconfig.build.json'), 'utf8'));
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(join(root, 'src', 'main.ts'), "import { twice } from './lib/twice.ts';\nimport type { N } from './lib/twice.ts';\nexport const value: N = twice(21);\nexport const lazy = async (): Promise<number> => (await import('./lib/twice.ts')).twice(2);\n");
  writeFileSync(join(root, 'src', 'lib', 'twice.ts'), 'export type N = number;\nexport const twice = (n: N): N => n * 2;\n');
  return root;
}

describe('buildDist', () => {
  it('compiles each source to runnable JavaScript with its relative .ts imports rewritten to .js', async () => {
    const root = project();
    const r = buildDist({ root });
    expect(r.compiled.sort()).toEqual(['lib/twice.ts', 'main.ts']);
    const out = readFileSync(join(root, 'dist', 'main.js'), 'utf8');
    expect(out).toContain('from "./lib/twice.js"');
    expect(out).toContain('import("./lib/twice.js")');
    expect(out).not.toContain('import type');
    const mod = (await import(pathToFileURL(join(root, 'dist', 'main.js')).href)) as { value: number; lazy(): Promise<number> };
    expect(mod.value).toBe(42);
    expect(await mod.lazy()).toBe(4);
  });

  it('recompiles only what changed, by content, and removes the output of a removed source', () => {
    const root = project();
    buildDist({ root });
    expect(buildDist({ root }).compiled).toEqual([]);
    writeFileSync(join(root, 'src', 'lib', 'twice.ts'), 'export type N = number;\nexport const twice = (n: N): N => n + n;\n');
    expect(buildDist({ root }).compiled).toEqual(['lib/twice.ts']);
    // An output changed behind the builder's back is never trusted.
    writeFileSync(join(root, 'dist', 'main.js'), 'export const value = 0;\n');
    expect(buildDist({ root }).compiled).toEqual(['main.ts']);
    rmSync(join(root, 'src', 'main.ts'));
    const r = buildDist({ root });
    expect(r.removed).toEqual(['main.js']);
    expect(existsSync(join(root, 'dist', 'main.js'))).toBe(false);
  });

  it('names the file and position of a syntax error and leaves no manifest that would call the output fresh', () => {
    const root = project();
    buildDist({ root });
    writeFileSync(join(root, 'src', 'main.ts'), 'export const broken = (;\n');
    expect(() => buildDist({ root })).toThrow(/src\/main\.ts:1:\d+/);
    expect(existsSync(join(root, 'dist', '.build.json'))).toBe(false);
    writeFileSync(join(root, 'src', 'main.ts'), 'export const fixed = 1;\n');
    expect(buildDist({ root }).compiled.sort()).toEqual(['lib/twice.ts', 'main.ts']);
  });
});
