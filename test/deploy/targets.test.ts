/** Which hosts a Deployment reaches: written hosts as they are, Servers at their provider address. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHosts, targetsServers } from '../../src/deploy/targets.ts';
import { loadProject } from '../../src/manifest/load-project.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function saas() {
  const r = await loadProject(join(ROOT, 'examples', 'two-region-saas'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.manifests;
}

describe('deployment targets', () => {
  it('reaches Servers at the address the provider reports for them', async () => {
    const m = await saas();
    const doc = m.deployments.get('api')!;
    expect(targetsServers(doc)).toBe(true);
    const addresses: Record<string, string> = { 'api-ewr': '192.0.2.11', 'api-fra': '192.0.2.12' };
    const hosts = resolveHosts(doc, m.servers, undefined, (name) => addresses[name]);
    expect(hosts.map((h) => [h.name, h.address])).toEqual([['api-ewr', '192.0.2.11'], ['api-fra', '192.0.2.12']]);
    expect(resolveHosts(doc, m.servers, 'api-fra', (name) => addresses[name]).map((h) => h.name)).toEqual(['api-fra']);
  });

  it('refuses a Server with no live address, naming it', async () => {
    const m = await saas();
    const doc = m.deployments.get('api')!;
    expect(() => resolveHosts(doc, m.servers, undefined, (name) => (name === 'api-ewr' ? '192.0.2.11' : undefined))).toThrow(
      /\[Deployment\/api\] server api-fra has no running instance/,
    );
  });

  it('refuses to deploy to Servers of the embedded simulator (no credentials): nothing is contacted', () => {
    const env = { ...process.env, VULTR_API_KEY: '', CLOUDFLARE_API_TOKEN: '', NO_COLOR: '1' };
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'keelson.js'), 'deploy', 'api', '--dir', join(ROOT, 'examples', 'two-region-saas')], { encoding: 'utf8', env });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/\[Deployment\/api\] targets Servers.*embedded simulator.*targets\.hosts/);
  });
});
