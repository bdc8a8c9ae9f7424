/** The pure core stays pure: the planner and the model import nothing from the layers built on them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function importsOf(folder: string): { file: string; from: string }[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(SRC, folder, f), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => ({ file: `${folder}/${f}`, from: m[1] as string })));
}

describe('layers', () => {
  it.each([
    ['plan', /\/(workflows|apply|cli|deploy|providers)\//],
    ['model', /\/(workflows|apply|cli|deploy|providers|plan|manifest)\//],
  ])('src/%s imports nothing from the layers above it', (folder, forbidden) => {
    const found = importsOf(folder);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((i) => forbidden.test(i.from))).toEqual([]);
  });
});
