import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'keelson.js');

function keelson(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function brokenCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'keelson-cli-')), 'saas');
  cpSync(join(ROOT, 'examples', 'two-region-saas'), dir, { recursive: true });
  const file = join(dir, 'manifests', 'servers.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  region: fra\n', '  region: fra\n  colour: blue\n'));
  return dir;
}

describe('keelson validate (the real CLI)', () => {
  it('exits 0 for examples/two-region-saas', () => {
    const r = keelson(['validate', '--dir', 'examples/two-region-saas']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: examples/two-region-saas');
    expect(r.stdout).toContain('2 Server: api-ewr, api-fra');
  });

  it('exits 1 for a broken copy and names the file and line, without colour when not on a terminal', () => {
    const r = keelson(['validate', '--dir', brokenCopy()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('manifests/servers.yaml:26:3 [Server/api-fra] spec.colour: error: unknown field "colour"');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('prints JSON with --json', () => {
    const r = keelson(['validate', '--dir', brokenCopy(), '--json']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { ok: boolean; problems: { file: string; line: number; col: number; path: string; resource: string }[] };
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual([expect.objectContaining({ file: 'manifests/servers.yaml', line: 26, col: 3, path: '/spec/colour', resource: 'Server/api-fra' })]);
  });

  it('colours only when asked and NO_COLOR is unset', () => {
    expect(keelson(['validate', '--dir', brokenCopy()], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[31merror');
    expect(keelson(['validate', '--dir', brokenCopy()], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });

  it('exits 1 when keelson.yaml is missing, and 64 on a bad flag', () => {
    const empty = mkdtempSync(join(tmpdir(), 'keelson-cli-'));
    const r = keelson(['validate', '--dir', empty]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('keelson.yaml:1:1: error: keelson.yaml not found');
    expect(keelson(['validate', '--bogus']).code).toBe(64);
  });

  it('has help for newcomers', () => {
    const root = keelson(['--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('validate');
    expect(keelson(['validate', '--help']).stdout).toMatch(/Exit codes:\n +0 {2}valid/);
  });

  it('npm start (keelson demo) validates every example', () => {
    const r = keelson(['demo']);
    expect(r.code).toBe(0);
    for (const name of ['blue-red-host', 'two-region-saas', 'vpn-fleet']) expect(r.stdout).toContain(`valid examples/${name}`);
  });
});
