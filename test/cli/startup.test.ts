/**
 * Start-up: the CLI runs from dist/ without a TypeScript loader, lists every verb without loading it,
 * and `--help` and `validate` load neither provider SDK nor the simulator. The modules a real
 * `bin/keelson.js` process loads are recorded by test/helpers/record-modules.js.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Help } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, VERBS, verbNamed } from '../../src/cli/main.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'keelson.js');
const RECORDER = join(ROOT, 'test', 'helpers', 'record-modules.js');
const tmp = mkdtempSync(join(tmpdir(), 'keelson-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What must not load for `--help` and `validate`: the ajv compiler (dist/ has precompiled validators), the SDKs, SSH, the simulator, the providers, tsx. */
const HEAVY = [/node_modules\/ajv\/dist\/compile\//, /node_modules\/cloudflare\//, /\/dist\/vendor\/cloudflare\.cjs$/, /node_modules\/@vultr\//, /node_modules\/ssh2\//, /\/dist\/sim\//, /\/dist\/providers\//, /node_modules\/tsx\//];

let runs = 0;
function loadedBy(args: string[], env: Record<string, string> = {}): { code: number | null; modules: string[]; stdout: string; stderr: string } {
  const out = join(tmp, `modules-${runs++}.txt`);
  const r = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], {
    cwd: ROOT, encoding: 'utf8',
    // No credentials: a provider verb would start the embedded simulator.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, NO_COLOR: '1', KEELSON_RECORD_MODULES: out, ...env },
  });
  const modules = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
  return { code: r.status, modules, stdout: r.stdout, stderr: r.stderr };
}

const heavyIn = (modules: string[]): string[] => modules.filter((m) => HEAVY.some((h) => h.test(m)));

describe('start-up', () => {
  it('`keelson --help` lists every verb from the table, exactly as the loaded verbs describe themselves', async () => {
    const listed = (await buildProgram([])).helpInformation();
    const loaded = (await buildProgram('all')).helpInformation();
    expect(listed).toBe(loaded);
    expect((await buildProgram('all')).commands.map((c) => c.name())).toEqual(VERBS.map((v) => v.name));
  });

  it('each table line names its verb\'s own usage term and summary', async () => {
    const help = new Help();
    const loaded = (await buildProgram('all')).commands;
    expect(loaded.map((c) => [help.subcommandTerm(c), c.description()])).toEqual(VERBS.map((v) => [v.term, v.summary]));
  });

  it('finds the verb argv names, past the root options and `help`', () => {
    expect(verbNamed(['node', 'keelson', 'plan', '--dir', 'x'])).toBe('plan');
    expect(verbNamed(['node', 'keelson', '--log-format', 'json', 'validate'])).toBe('validate');
    expect(verbNamed(['node', 'keelson', '--log-format=json', 'apply', 'plan.json'])).toBe('apply');
    expect(verbNamed(['node', 'keelson', 'help', 'rebuild'])).toBe('rebuild');
    expect(verbNamed(['node', 'keelson', '--help'])).toBeUndefined();
    expect(verbNamed(['node', 'keelson', 'pln'])).toBeUndefined();
  });

  it('`keelson --help` loads no verb, no SDK and no simulator', () => {
    const r = loadedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rebuild [options] <server>');
    expect(heavyIn(r.modules)).toEqual([]);
    expect(r.modules.filter((m) => /\/dist\/cli\/(?!main|exit)/.test(m))).toEqual([]);
  });

  it('`keelson validate` of an example loads neither provider SDK nor the simulator, and no TypeScript loader', () => {
    const r = loadedBy(['validate', '--dir', 'examples/two-region-saas']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(heavyIn(r.modules)).toEqual([]);
    expect(r.modules.some((m) => m.endsWith('/dist/manifest/load-project.js'))).toBe(true);
  });

  it('a verb loads an SDK only when it calls that provider (`keelson schedule` reads manifests only)', () => {
    const r = loadedBy(['schedule', '--dir', 'examples/vpn-fleet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.modules.filter((m) => /node_modules\/(cloudflare|@vultr)\/|\/dist\/vendor\//.test(m))).toEqual([]);
  });

  it('the recorder sees the SDKs when a verb does use them (`keelson plan` on the embedded simulator)', () => {
    const r = loadedBy(['plan', '--dir', 'examples/two-region-saas']);
    expect(r.code, r.stderr).toBe(2);
    const heavy = heavyIn(r.modules);
    // The build's one-file bundle of the SDK, not the package's 1,166 files.
    expect(heavy.some((m) => m.endsWith('/dist/vendor/cloudflare.cjs'))).toBe(true);
    expect(r.modules.filter((m) => /node_modules\/cloudflare\//.test(m))).toEqual([]);
    expect(heavy.some((m) => /node_modules\/@vultr\//.test(m))).toBe(true);
    expect(heavy.some((m) => /\/dist\/sim\//.test(m))).toBe(true);
  });

  it('an unknown verb is reported with a suggestion, without loading any verb', () => {
    const r = loadedBy(['pln']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown command 'pln'");
    expect(r.stderr).toContain('plan');
    expect(r.modules.filter((m) => /\/dist\/cli\/(?!main|exit)/.test(m))).toEqual([]);
  });
});
