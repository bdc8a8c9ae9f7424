/**
 * A real `keelson apply` is SIGKILLed the moment the simulator answers its server create; a rerun
 * started at once finds the server still installing (no address yet) and must wait for the install,
 * as the first run would have, before it writes the A record. The simulator's clock is manual: it
 * moves only when the rerun polls the install, so the test depends on no timing.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator, type SimResponseEvent } from '../../src/sim/index.ts';
import { childSimEnv, runKeelson } from '../helpers/cli-process.ts';
import { writeProject } from '../helpers/project.ts';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'keelson.js');

describe('apply killed right after a create was answered, then run again at once', () => {
  it('the rerun waits for the install and points the record at the server', async () => {
    let onResponse: ((e: SimResponseEvent) => void) | undefined;
    const sim = await startSimulator({ manualClock: true, rateLimits: false, onResponse: (e) => onResponse?.(e) });
    try {
      const dir = await writeProject({
        owner: 'rerun',
        servers: [{ name: 'api-ewr' }],
        zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'api', type: 'A', servers: ['api-ewr'] }] }],
      });
      const env = childSimEnv(sim);
      const first = spawn(process.execPath, [BIN, 'apply', '--yes', '--dir', dir], { env, stdio: 'ignore' });
      const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
      onResponse = (e) => {
        if (e.endpoint === 'POST /v2/instances' && e.status < 300) first.kill('SIGKILL');
      };
      expect(await firstExit).toBe(null);

      const [made] = sim.admin.dump().vultr.instances.filter((i) => i.label === 'api-ewr');
      expect(made).toBeDefined();
      expect(sim.admin.dump().cloudflare.records.filter((r) => r.name === 'api.example.com')).toEqual([]);

      // The install completes only once the rerun has shown it waits for it: its observation lists
      // the instances once, and every later listing is a poll of the install.
      let listings = 0;
      let polls = 0;
      onResponse = (e) => {
        if (e.endpoint !== 'GET /v2/instances' || ++listings < 2) return;
        if (++polls === 1) sim.admin.advance(10 * 60_000);
      };
      const rerun = await runKeelson(['apply', '--yes', '--dir', dir], env);
      expect(rerun.stderr).not.toContain('has no IPv4 address');
      expect(rerun.code).toBe(0);
      expect(polls).toBeGreaterThan(0);

      const instances = sim.admin.dump().vultr.instances.filter((i) => i.label === 'api-ewr');
      expect(instances).toHaveLength(1);
      const records = sim.admin.dump().cloudflare.records.filter((r) => r.name === 'api.example.com');
      expect(records.map((r) => r.content)).toEqual([instances[0]!.ip]);
    } finally {
      onResponse = undefined;
      await sim.stop();
    }
  }, 150_000);
});
