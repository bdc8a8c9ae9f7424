/** User mistakes read as one clear line and a non-zero exit; only real bugs print "internal error" and a stack. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/exit.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { DEFAULT_LIMITS, readSourceFile } from '../../src/manifest/read-files.ts';
import { runCli } from '../helpers/cli.ts';
import { writeProject } from '../helpers/project.ts';

const NO_CREDENTIALS = { VULTR_API_KEY: '', CLOUDFLARE_API_TOKEN: '', NO_COLOR: '1' };

function expectOneClearLine(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  const text = r.stdout + r.stderr;
  expect(text).not.toContain('internal error');
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).toMatch(pattern);
}

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('user mistakes are ordinary errors', () => {
  it('validate --dir of a folder that does not exist, or of a file', async () => {
    const missing = await runCli(['validate', '--dir', 'examples/nope'], NO_CREDENTIALS);
    expect(missing.code).toBe(1);
    expectOneClearLine(missing, /^examples\/nope:1:1: error: cannot read the repository folder: not found \(ENOENT\)/m);
    const file = await runCli(['validate', '--dir', 'README.md'], NO_CREDENTIALS);
    expectOneClearLine(file, /README\.md:1:1: error: is a file, not the repository folder/);
    expect((await runCli(['plan', '--dir', 'examples/nope'], NO_CREDENTIALS)).code).toBe(1);
  });

  it('a manifest that cannot be read is a problem naming it, not a crash', async () => {
    const dir = await writeProject({ servers: [{ name: 'box' }] });
    const gone = await readSourceFile(join(dir, 'manifests', 'gone.yaml'), 'manifests/gone.yaml', DEFAULT_LIMITS, { size: 10, stat: 'never-read' });
    expect(gone).toEqual({ problem: { file: 'manifests/gone.yaml', line: 1, col: 1, path: '', message: 'cannot read: not found (ENOENT)' } });
    // Permissions do not stop root, so the folder and file modes are only tried as another user.
    if (process.getuid?.() === 0) return;
    await mkdir(join(dir, 'manifests', 'locked'));
    await writeFile(join(dir, 'manifests', 'secret.yaml'), 'kind: Server\n');
    await chmod(join(dir, 'manifests', 'secret.yaml'), 0o000);
    await chmod(join(dir, 'manifests', 'locked'), 0o000);
    const r = await loadProject(dir);
    await chmod(join(dir, 'manifests', 'locked'), 0o755);
    const messages = r.ok ? [] : r.problems.map((p) => `${p.file}: ${p.message}`);
    expect(messages).toContain('manifests/secret.yaml: cannot read: permission denied (EACCES)');
    expect(messages).toContain('manifests/locked: cannot list the folder: permission denied (EACCES)');
  });

  it('hosts trust of an address where nothing listens', async () => {
    const dir = await writeProject({ servers: [{ name: 'box' }] });
    const port = await closedPort();
    const r = await runCli(['hosts', 'trust', `127.0.0.1:${port}`, '--dir', dir], NO_CREDENTIALS);
    expect(r.code).toBe(1);
    expectOneClearLine(r, new RegExp(`^error: cannot fetch the SSH host key of 127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)$`, 'm'));
  });

  it('a system error that escaped classification is one line; a bug keeps its stack', () => {
    const enoent = Object.assign(new Error("EACCES: permission denied, open '/x/plan.json'"), { code: 'EACCES', syscall: 'open' });
    expect(describeError(enoent)).toEqual({ code: 1, lines: ["error: EACCES: permission denied, open '/x/plan.json'"] });
    const bug = describeError(new TypeError('cannot read properties of undefined'));
    expect(bug.lines[0]).toMatch(/^internal error: TypeError: cannot read properties of undefined\n\s+at /);
  });
});
