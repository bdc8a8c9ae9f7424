/**
 * The README's standalone-simulator route, run as written for every example: `keelson sim` as its own
 * process with the documented flags, its `export` lines as the environment, then `keelson apply` and
 * `keelson plan` (empty) against it. The commands are read from the README, so it cannot drift.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killSimProcesses, ROOT, startSimProcess } from '../helpers/sim-process.ts';

const EXAMPLES = ['two-region-saas', 'vpn-fleet', 'blue-red-host'];
const SHOWN = 'examples/two-region-saas';

/** The `sh` blocks of the README's "standalone route" section: the simulator, then apply and plan. */
function routeCommands(): { sim: string[]; steps: string[][] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('#### The standalone route, step by step');
  expect(start, 'README section "The standalone route, step by step"').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n#', start + 10));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').map((l) => l.trim()).filter(Boolean));
  expect(blocks).toHaveLength(2);
  const words = (line: string): string[] => {
    const w = line.split(/\s+/);
    expect(w.slice(0, 2), line).toEqual(['npx', 'keelson']);
    return w.slice(2);
  };
  const [simBlock, stepBlock] = blocks as [string[], string[]];
  expect(simBlock).toHaveLength(1);
  return { sim: words(simBlock[0]!), steps: stepBlock.map(words) };
}

/** The environment of a user's shell with no provider credentials, plus the simulator's lines. */
function userEnv(sim: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...sim };
  return env;
}

const running = new Set<ChildProcess>();

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/keelson.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const forExample = (args: string[], example: string): string[] => args.map((a) => a.replace(SHOWN, `examples/${example}`));

afterAll(() => {
  killSimProcesses();
  for (const c of running) c.kill('SIGKILL');
});

describe('the README standalone-simulator route', () => {
  const route = routeCommands();

  it('names the example it shows in every command', () => {
    expect(route.sim).toContain(SHOWN);
    expect(route.sim).toContain('--speed');
    for (const step of route.steps) expect(step).toContain(SHOWN);
    expect(route.steps.map((s) => s[0])).toEqual(['apply', 'plan']);
  });

  // Each step is a fresh CLI process (start-up alone measured 15-20 s on the shared 2-core machine).
  it.each(EXAMPLES)('works as written for examples/%s: apply, then an empty plan', { timeout: 600_000 }, async (example) => {
    // A fresh working directory per example, with the examples where the README's paths expect them.
    const cwd = mkdtempSync(join(tmpdir(), 'keelson-route-'));
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
    const sim = await startSimProcess(forExample(route.sim, example), cwd);
    try {
      expect(sim.env.VULTR_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
      const env = userEnv(sim.env);
      const [apply, plan] = route.steps.map((s) => forExample(s, example)) as [string[], string[]];
      const applied = await run(apply, cwd, env);
      expect(applied.stderr).not.toMatch(/embedded simulator/);
      expect({ code: applied.code, failed: applied.stderr.split('\n').filter((l) => /\bfailed\b/.test(l)) }).toEqual({ code: 0, failed: [] });
      expect(`${applied.stdout}${applied.stderr}`).toMatch(/applied (\d+) of \1 change\(s\)/);
      const planned = await run(plan, cwd, env);
      expect(planned.stdout).toContain('Plan: 0 to create, 0 to update, 0 to replace, 0 to destroy.');
      expect(planned.code).toBe(0);
      // The keys came from the repository, through the simulator the route started.
      const { counters } = (await (await fetch(`${sim.env.VULTR_BASE_URL!.replace(/\/v2$/, '')}/_sim/counters`)).json()) as { counters: Record<string, number> };
      expect(counters['POST /v2/ssh-keys']).toBe(1);
    } finally {
      expect(await sim.stop()).toBe(0);
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
