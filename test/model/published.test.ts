import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemaFiles } from '../../src/model/schemas/build.ts';
import { CLI_REFERENCE_END, CLI_REFERENCE_START, renderCliReference } from '../../src/cli/reference.ts';
import { REFERENCE_END, REFERENCE_START, renderReference } from '../../src/model/schemas/reference.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('published artefacts', () => {
  it('schemas/*.json equal what src/model/schemas generates (run `npm run schemas`)', () => {
    const generated = renderSchemaFiles();
    // plan.json describes `keelson plan --json` output, not a manifest kind; test/plan checks it.
    const onDisk = readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.json') && f !== 'plan.json' && f !== 'status.json').sort();
    expect(onDisk).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(readFileSync(join(ROOT, 'schemas', file), 'utf8'), file).toBe(text);
  });

  it('every schema has an $id and forbids unknown fields at the top', () => {
    for (const text of renderSchemaFiles().values()) {
      const schema = JSON.parse(text) as { $id?: string; additionalProperties?: boolean };
      expect(schema.$id).toMatch(/^https:\/\/keelson\.dev\/schemas\/v1\/[a-z-]+\.json$/);
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('the README reference equals what the schemas generate (run `npm run docs`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(REFERENCE_START) + REFERENCE_START.length;
    const end = readme.indexOf(REFERENCE_END);
    expect(readme.slice(start, end)).toBe(`\n${renderReference()}`);
  });

  it('the README CLI reference equals every verb\'s --help (run `npm run docs`)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(CLI_REFERENCE_START) + CLI_REFERENCE_START.length;
    const end = readme.indexOf(CLI_REFERENCE_END);
    const generated = await renderCliReference();
    expect(readme.slice(start, end)).toBe(`\n${generated}`);
    for (const verb of ['validate', 'plan', 'apply', 'import', 'sim', 'rebuild', 'destroy', 'schedule', 'deploy', 'rollback', 'status']) {
      expect(generated).toContain(`### \`keelson ${verb}\``);
    }
  });

  it('the reference lists every field of every schema', () => {
    const reference = renderReference();
    for (const field of ['spec.rebuild.rotateRegions', 'spec.records[].failover.minHealthy', 'spec.git.slots[].port', 'spec.targets.selector', 'spec.defaults.dnsTtl', 'spec.events']) {
      expect(reference).toContain(`\`${field}\``);
    }
  });
});
