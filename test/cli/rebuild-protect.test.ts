/** `keelson rebuild` of a protected server is refused (exit 1, nothing changed) unless `--force`, like destroy. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { writeProject } from '../helpers/project.ts';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ speed: 100_000, rateLimits: false });
});
afterEach(async () => {
  await sim.stop();
});

const instancesOf = (name: string) => sim.admin.dump().vultr.instances.filter((i) => i.label === name).map((i) => i.id);

describe('keelson rebuild of a protected server', () => {
  it('is refused without --force, naming the protection, and changes nothing; --force rebuilds it', async () => {
    const dir = await writeProject({ owner: 'prot', servers: [{ name: 'db', protect: true }] });
    const env = simEnv(sim);
    const applied = await runCli(['apply', '--yes', '--dir', dir], env);
    expect(applied.code, applied.stderr).toBe(EXIT.ok);
    const before = instancesOf('db');
    expect(before).toHaveLength(1);
    sim.admin.resetCounters();

    const refused = await runCli(['rebuild', 'db', '--dir', dir], env);
    expect(refused.code).toBe(EXIT.failure);
    expect(refused.stderr).toContain('[Server/db] rebuild refused: the server is protected (protect: true)');
    expect(refused.stderr).toContain('--force');
    expect(instancesOf('db')).toEqual(before);
    expect(Object.keys(sim.admin.counters()).filter((k) => !k.startsWith('GET '))).toEqual([]);

    const forced = await runCli(['rebuild', 'db', '--force', '--dir', dir], env);
    expect(forced.code, forced.stderr).toBe(EXIT.ok);
    const after = instancesOf('db');
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });
});
