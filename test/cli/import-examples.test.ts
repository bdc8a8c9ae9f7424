/** `keelson import` on every example: adopted resources join the manifests, and the next plan is empty. */
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorSeed } from '../../src/cli/session.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { runCli, simEnv } from '../helpers/cli.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** A copy of the example, applied on a fresh simulator seeded as the embedded one would be. */
async function applied(example: string): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), `keelson-import-${example}-`));
  await cp(join(EXAMPLES, example), dir, { recursive: true });
  const loaded = await loadProject(dir);
  if (!loaded.ok) throw new Error(`${example} does not validate`);
  sim = await startSimulator({ speed: 100_000, rateLimits: false, seed: simulatorSeed(loaded.manifests) });
  const env = simEnv(sim);
  const apply = await runCli(['apply', '--yes', '--dir', dir], env);
  expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  return { dir, env };
}

async function manifestText(dir: string): Promise<string> {
  const files = await readdir(join(dir, 'manifests'));
  return (await Promise.all(files.map((f) => readFile(join(dir, 'manifests', f), 'utf8')))).join('\n');
}

describe('keelson import into the examples', () => {
  it.each(['two-region-saas', 'vpn-fleet', 'blue-red-host'])('%s: import --all, then plan exits 0 with no changes', async (example) => {
    const { dir, env } = await applied(example);
    const imported = await runCli(['import', '--all', '--dir', dir], env);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/adopted 1 server\(s\) and [1-9]\d* record\(s\)/);
    expect((await loadProject(dir)).ok).toBe(true);
    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).not.toMatch(/^\s*(\+|~|-|-\/\+) /m);
    expect(sim!.admin.foreignTouches().length).toBeGreaterThan(0);
  });

  it('two-region-saas: --server legacy-mail --zone example.com adds the records to the DNSZone that manages it', async () => {
    const { dir, env } = await applied('two-region-saas');
    const r = await runCli(['import', '--server', 'legacy-mail', '--zone', 'example.com', '--dir', dir], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const imported = await readFile(join(dir, 'manifests', 'imported.yaml'), 'utf8');
    expect(imported).toContain('kind: Server');
    expect(imported).not.toContain('kind: DNSZone');
    expect((await manifestText(dir)).match(/zone: example\.com/g)).toHaveLength(1);
    const dns = await readFile(join(dir, 'manifests', 'dns.yaml'), 'utf8');
    expect(dns).toContain('# yaml-language-server: $schema=../../../schemas/dns-zone.json');
    expect(dns).toMatch(/name: mail\n\s+type: A/);
    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('leaves a record that clashes with a declared one unmarked, naming the clash; the plan stays empty', async () => {
    const { dir, env } = await applied('two-region-saas');
    const conn = connectEndpoints(simulatorEndpoints(sim!));
    const com = (await conn.providers.dns.listZones()).find((z) => z.name === 'example.com')!;
    await conn.providers.dns.applyRecordChanges(com, { deletes: [], updates: [], creates: [{ fqdn: 'api.example.com', type: 'A', content: '192.0.2.99', ttl: 300, proxied: false }] });
    const r = await runCli(['import', '--zone', 'example.com', '--dir', dir], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[DNSZone/saas-zone] not adopted: api.example.com A 192.0.2.99 (ttl 300) clashes with api A declared by DNSZone/saas-zone (manifests/dns.yaml)');
    expect(r.stderr).toContain('not adopted: example.com MX mail.example.com (ttl auto, priority 10) clashes with @ MX');
    const records = await conn.providers.dns.listRecords(com);
    expect(records.find((x) => x.content === '192.0.2.99')?.ownership).toBeUndefined();
    expect(records.find((x) => x.fqdn === 'mail.example.com')?.ownership).toMatchObject({ owner: 'saasco', name: 'saas-zone' });
    const plan = await runCli(['plan', '--dir', dir], env);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('puts every file back and marks nothing when the merged repository would not validate', async () => {
    const { dir, env } = await applied('two-region-saas');
    const conn = connectEndpoints(simulatorEndpoints(sim!));
    const com = (await conn.providers.dns.listZones()).find((z) => z.name === 'example.com')!;
    // Two sets of one name and type with different TTLs cannot both be declared (one owner per name and type).
    await conn.providers.dns.applyRecordChanges(com, { deletes: [], updates: [], creates: [
      { fqdn: 'dup.example.com', type: 'TXT', content: 'a', ttl: 300, proxied: false },
      { fqdn: 'dup.example.com', type: 'TXT', content: 'b', ttl: 600, proxied: false },
    ] });
    const dnsBefore = await readFile(join(dir, 'manifests', 'dns.yaml'), 'utf8');
    const filesBefore = (await readdir(join(dir, 'manifests'))).sort();
    const r = await runCli(['import', '--server', 'legacy-mail', '--zone', 'example.com', '--dir', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dup.example.com TXT is already declared');
    expect(await readFile(join(dir, 'manifests', 'dns.yaml'), 'utf8')).toBe(dnsBefore);
    expect((await readdir(join(dir, 'manifests'))).sort()).toEqual(filesBefore);
    expect(filesBefore).not.toContain('imported.yaml');
    expect((await conn.providers.dns.listRecords(com)).filter((x) => x.ownership === undefined).length).toBeGreaterThanOrEqual(4);
    expect((await conn.providers.compute.listServers()).find((x) => x.label === 'legacy-mail')?.ownership).toBeUndefined();
  });
});
