/** plan / apply / import through the CLI entry, against a simulator over loopback. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { writeProject, type ProjectDesc } from '../helpers/project.ts';
import { writeCalls } from '../helpers/sim.ts';

let sim: Simulator;
let env: Record<string, string>;
beforeEach(async () => {
  sim = await startSimulator({ speed: 100_000, rateLimits: false });
  env = simEnv(sim);
});
afterEach(() => sim.stop());

const fleet = (n: number): ProjectDesc => ({
  owner: 'cli',
  servers: Array.from({ length: n }, (_, i) => ({ name: `box-${i}` })),
  zones: [{ name: 'main', zone: 'example.com', records: [{ name: 'www', type: 'A', servers: ['box-0'] }] }],
});

describe('keelson plan / apply', () => {
  it('plan exits 2 with changes and writes nothing; apply converges; plan then exits 0', async () => {
    const dir = await writeProject(fleet(2));
    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ Server/box-0');
    expect(writeCalls(sim)).toBe(0);
    const md = await runCli(['plan', '--markdown', '--dir', dir], env);
    expect(md.code).toBe(2);
    const json = await runCli(['plan', '--json', '--dir', dir], env);
    expect(JSON.parse(json.stdout).changes).toHaveLength(3);
    expect(writeCalls(sim)).toBe(0);
    const apply = await runCli(['apply', '--yes', '--dir', dir], env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('applied 3 of 3');
    expect((await runCli(['plan', '--dir', dir], env)).code).toBe(0);
    expect(sim.admin.foreignTouches()).toEqual([]);
  });

  it('refuses an unsafe plan naming its numbers, with no write; --force with the checksum applies it', async () => {
    const dir = await writeProject(fleet(10));
    expect((await runCli(['apply', '--yes', '--dir', dir], env)).code).toBe(0);
    await writeProject(fleet(5), dir);
    const before = writeCalls(sim);
    const refused = await runCli(['apply', '--yes', '--dir', dir], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/would delete 5 of 10 Server \(50% > 30%\)/);
    expect(writeCalls(sim)).toBe(before);
    const checksum = /--force ([0-9a-f]{12})/.exec(refused.stderr)![1]!;
    expect((await runCli(['apply', '--yes', '--force', checksum, '--dir', dir], env)).code).toBe(0);
    expect((await runCli(['plan', '--dir', dir], env)).code).toBe(0);
  });

  it('applies a saved plan, and refuses a stale one naming what moved', async () => {
    const dir = await writeProject(fleet(1));
    const file = join(dir, 'plan.json');
    expect((await runCli(['plan', '--out', file, '--dir', dir], env)).code).toBe(2);
    // Someone adds a record at the name the plan creates, between plan and apply.
    const conn = connectEndpoints(simulatorEndpoints(sim));
    const zones = await conn.providers.dns.listZones();
    const zone = zones.find((z) => z.name === 'example.com')!;
    await conn.providers.dns.applyRecordChanges(zone, { deletes: [], updates: [], creates: [{ fqdn: 'www.example.com', type: 'A', content: '192.0.2.200', ttl: 'auto', proxied: false }] });
    const before = writeCalls(sim);
    const stale = await runCli(['apply', file, '--dir', dir], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/stale.*www\.example\.com A 192\.0\.2\.200 \[DNSRecord:[^\]]+\] appeared/);
    expect(writeCalls(sim)).toBe(before);
    expect((await runCli(['plan', '--out', file, '--dir', dir], env)).code).toBe(2);
    // Unrelated new objects (another name in the zone, another zone) leave the saved plan applicable.
    await conn.providers.dns.applyRecordChanges(zone, { deletes: [], updates: [], creates: [{ fqdn: 'intruder.example.com', type: 'TXT', content: 'hi', ttl: 'auto', proxied: false }] });
    const other = zones.find((z) => z.name === 'example.net')!;
    await conn.providers.dns.applyRecordChanges(other, { deletes: [], updates: [], creates: [{ fqdn: 'www.example.net', type: 'A', content: '192.0.2.201', ttl: 'auto', proxied: false }] });
    expect((await runCli(['apply', file, '--dir', dir], env)).code).toBe(0);
  });

  it('apply without --yes is refused when stdin is not a terminal', async () => {
    const dir = await writeProject(fleet(1));
    const r = await runCli(['apply', '--dir', dir], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not confirmed: apply needs --yes when stdin is not a terminal');
    expect(writeCalls(sim)).toBe(0);
  });
});

describe('keelson import', () => {
  it('lists candidates without writing; adopts a selected server and zone, after which plan is empty', async () => {
    const conn = connectEndpoints(simulatorEndpoints(sim));
    await conn.providers.compute.createServer({ region: 'ams', plan: 'vc2-1c-1gb', image: { osId: 2284 }, label: 'Hand Made', hostname: 'handmade', tags: ['by-hand', 'op-x'], opTag: 'op-x', sshKeyIds: [], enableIpv6: false });
    const zone = (await conn.providers.dns.listZones()).find((z) => z.name === 'example.net')!;
    await conn.providers.dns.applyRecordChanges(zone, { deletes: [], updates: [], creates: [
      { fqdn: 'a.example.net', type: 'A', content: '192.0.2.80', ttl: 300, proxied: false, comment: 'old' },
      { fqdn: 'a.example.net', type: 'A', content: '192.0.2.81', ttl: 300, proxied: false, comment: 'old' },
      { fqdn: 'example.net', type: 'TXT', content: 'hello', ttl: 'auto', proxied: false },
    ] });
    const dir = await writeProject({ owner: 'adopter', zones: [{ name: 'keep', zone: 'example.com', records: [{ name: 'keep', type: 'TXT', value: 'x' }] }] });
    expect((await runCli(['apply', '--yes', '--dir', dir], env)).code).toBe(0);
    const before = writeCalls(sim);
    const list = await runCli(['import', '--dir', dir], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Hand Made');
    expect(writeCalls(sim)).toBe(before);
    const adopted = await runCli(['import', '--server', 'Hand Made', '--zone', 'example.net', '--dir', dir], env);
    expect(adopted.code, adopted.stderr).toBe(0);
    const yaml = await readFile(join(dir, 'manifests', 'imported.yaml'), 'utf8');
    expect(yaml).toContain('kind: Server');
    expect(yaml).toContain('name: hand-made');
    const after = await runCli(['plan', '--dir', dir], env);
    expect(after.code, after.stdout).toBe(0);
    expect(sim.admin.foreignTouches()).toEqual([]);
  });
});
