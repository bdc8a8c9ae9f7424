import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoRepositories } from '../../src/cli/demo.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { KIND_SCHEMAS } from '../../src/model/schemas/build.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('examples and the starter repository', () => {
  const repos = demoRepositories(ROOT);

  it('are the starter plus the three setups', () => {
    expect(repos.map((r) => relative(ROOT, r))).toEqual(['', 'examples/blue-red-host', 'examples/two-region-saas', 'examples/vpn-fleet']);
  });

  it.each(repos.map((r) => [relative(ROOT, r) || '.', r]))('%s validates without warnings (besides "not acted on by this version")', async (_name, dir) => {
    const r = await loadProject(dir);
    expect(r.ok ? [] : r.problems).toEqual([]);
    expect(r.ok && r.warnings.filter((w) => !w.message.startsWith('accepted, not acted on by this version'))).toEqual([]);
  });

  it('every example file carries a modeline for the schema of the kind it holds', () => {
    const files = [join(ROOT, 'keelson.yaml'), ...repos.flatMap((r) => yamlFiles(join(r, 'manifests'))), ...repos.slice(1).map((r) => join(r, 'keelson.yaml'))];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      expect(modeline, file).toBeDefined();
      const kinds = new Set([...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1] as keyof typeof KIND_SCHEMAS));
      expect(kinds.size, `${file} holds one kind`).toBe(1);
      const [kind] = [...kinds];
      expect(join(file, '..', modeline as string), file).toBe(join(ROOT, 'schemas', KIND_SCHEMAS[kind as keyof typeof KIND_SCHEMAS].file));
    }
  });

  it('use only reserved documentation names and addresses', () => {
    for (const file of repos.flatMap((r) => [join(r, 'keelson.yaml'), ...yamlFiles(join(r, 'manifests'))])) {
      const text = readFileSync(file, 'utf8');
      for (const host of text.matchAll(/https?:\/\/([^/\s"]+)/g)) expect(host[1], file).toMatch(/(^|\.)example\.(com|net|org)$|^127\.0\.0\.1$/);
      for (const ip of text.matchAll(/\b(\d+\.\d+\.\d+\.\d+)\b/g)) expect(ip[1], file).toMatch(/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|127\.0\.0\.1$)/);
    }
  });
});
