/**
 * dist/ validates with validators the build precompiled (scripts/build-validators.ts); the sources
 * compile their own. Both must say exactly the same thing about every repository: the whole
 * bad-manifest corpus and every example go through both and their problems are compared.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fromSource from '../../src/manifest/load-project.ts';
import { usesPrecompiledValidators as sourcePrecompiled } from '../../src/manifest/ajv.ts';
import { CASES } from './corpus-cases.ts';
import { writeRepo } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// Plain JavaScript built by test/global-setup.ts from the current sources.
const fromDist = (await import(join(ROOT, 'dist', 'manifest', 'load-project.js'))) as typeof fromSource;
const distAjv = (await import(join(ROOT, 'dist', 'manifest', 'ajv.js'))) as { usesPrecompiledValidators(): boolean };

type Loaded = Awaited<ReturnType<typeof fromSource.loadProject>>;
const gist = (r: Loaded): unknown => (r.ok ? { ok: true, warnings: r.warnings, servers: [...r.manifests.servers.keys()] } : { ok: false, problems: r.problems });

describe('precompiled schema validators', () => {
  it('are used by dist/ and not by the sources', () => {
    expect(distAjv.usesPrecompiledValidators()).toBe(true);
    expect(sourcePrecompiled()).toBe(false);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('report the same problems as compiled ones: %s', async (_name, c) => {
    const root = writeRepo(c.files);
    expect(gist(await fromDist.loadProject(root))).toEqual(gist(await fromSource.loadProject(root)));
  });

  it.each(readdirSync(join(ROOT, 'examples')))('accept examples/%s as the sources do', async (example) => {
    const dir = join(ROOT, 'examples', example);
    const dist = await fromDist.loadProject(dir);
    expect(dist.ok).toBe(true);
    expect(gist(dist)).toEqual(gist(await fromSource.loadProject(dir)));
  });
});
