/**
 * The CLI process ends as its work does: a 429 is waited out (the process must not run out of work
 * while the rate budget is on hold), an unanswered call fails at its deadline and is retried, and the
 * process exits with the verb's code even when the abandoned call's socket is still open.
 * Real child processes against the simulator; counts and exit codes, no timings.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type FaultSpec, type Simulator } from '../../src/sim/index.ts';
import { childSimEnv, runKeelson } from '../helpers/cli-process.ts';
import { writeProject } from '../helpers/project.ts';

let sim: Simulator;
let dir: string;

beforeEach(async () => {
  sim = await startSimulator({ speed: 20_000, rateLimits: false });
  dir = await writeProject({
    servers: [{ name: 'web' }],
    zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'web', type: 'A', servers: ['web'] }] }],
  });
});

afterEach(async () => {
  await sim.stop();
});

async function planWith(fault: FaultSpec, env: Record<string, string> = {}) {
  sim.admin.addFault(fault);
  const run = await runKeelson(['plan', '--dir', dir], childSimEnv(sim, env));
  return { run, fired: sim.admin.faults()[0]!.fired };
}

describe('a rate limit is waited out by the process', () => {
  it('Vultr: one 429 on the instance listing, plan still prints and exits 2', async () => {
    const { run, fired } = await planWith({ endpoint: 'GET /v2/instances', effect: 429, nth: 1 });
    expect(fired).toBe(1);
    expect(run.stderr).not.toContain('error');
    expect(run.stdout).toContain('Plan: 2 to create, 0 to update, 0 to replace, 0 to destroy.');
    expect(run.code).toBe(2);
    expect(sim.admin.count('GET /v2/instances')).toBe(2);
  }, 150_000);

  it('Cloudflare: one 429 on the zones listing, plan still prints and exits 2', async () => {
    const { run, fired } = await planWith({ endpoint: 'GET /client/v4/zones', effect: 429, nth: 1 });
    expect(fired).toBe(1);
    expect(run.stderr).not.toContain('error');
    expect(run.stdout).toContain('Plan: 2 to create, 0 to update, 0 to replace, 0 to destroy.');
    expect(run.code).toBe(2);
    expect(sim.admin.count('GET /client/v4/zones')).toBe(2);
  }, 150_000);

  it('Vultr: a 429 on the create during apply is retried once and the apply succeeds', async () => {
    sim.admin.addFault({ endpoint: 'POST /v2/instances', effect: 429, nth: 1 });
    const run = await runKeelson(['apply', '--yes', '--dir', dir], childSimEnv(sim));
    expect(run.code).toBe(0);
    expect(sim.admin.count('POST /v2/instances')).toBe(2);
    expect(sim.admin.dump().vultr.instances.filter((i) => i.label === 'web')).toHaveLength(1);
  }, 150_000);
});

describe('an unanswered call', () => {
  it('fails at its deadline, is retried, and the process exits although the socket stays open', async () => {
    const { run, fired } = await planWith({ endpoint: 'GET /v2/ssh-keys', effect: 'timeout', nth: 1 }, { KEELSON_CALL_TIMEOUT_MS: '300' });
    expect(fired).toBe(1);
    expect(run.stdout).toContain('Plan: 2 to create, 0 to update, 0 to replace, 0 to destroy.');
    // null would mean the guard had to kill it: the process never exited on its own.
    expect(run.code).toBe(2);
    expect(sim.admin.count('GET /v2/ssh-keys')).toBe(2);
  }, 150_000);

  it('a malformed KEELSON_CALL_TIMEOUT_MS is an environment error (78) naming the variable', async () => {
    const run = await runKeelson(['plan', '--dir', dir], childSimEnv(sim, { KEELSON_CALL_TIMEOUT_MS: 'soon' }));
    expect(run.stderr).toContain('KEELSON_CALL_TIMEOUT_MS must be a positive whole number');
    expect(run.code).toBe(78);
  }, 150_000);
});
