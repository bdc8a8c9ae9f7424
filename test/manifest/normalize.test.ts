import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/manifest/load-project.ts';
import { renderSchemaFiles } from '../../src/model/schemas/build.ts';
import { parseDuration } from '../../src/model/duration.ts';
import type { Manifests, ProjectConfig } from '../../src/model/types.ts';
import { deploy, gitDeploy, head, notifier, snap, srv, zone } from './corpus-docs.ts';
import { writeRepo } from './helpers.ts';

const schemas = new Map([...renderSchemaFiles()].map(([f, t]) => [f, JSON.parse(t) as Record<string, unknown>]));

/** The `default` a published schema documents at a JSON pointer. */
function schemaDefault(file: string, pointer: string): unknown {
  let node: unknown = schemas.get(file);
  for (const seg of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[seg];
  const n = node as { default?: unknown; $ref?: string };
  return n.default;
}

const minimal = {
  'manifests/a.yaml': [
    srv('a', '  healthCheck:\n    port: 80\n  rebuild:\n    schedule: "0 4 * * 1"\n  destroyHooks:\n    - name: h\n      ssh:\n        host: files.example.net\n        command: "true"\n'),
    snap('s', 'a'),
    zone('z', 'example.com', '    - name: www\n      type: A\n      servers: [a]\n      failover:\n        check: {port: 80}\n'),
    deploy('d', 'a'),
    gitDeploy('g', [['blue', 3001], ['red', 3002]]),
    notifier('n'),
  ].join('---\n'),
};

describe('normalization fills the defaults the schemas document', () => {
  let m: Manifests;
  let project: ProjectConfig;
  it('loads a minimal repository', async () => {
    const r = await loadProject(writeRepo(minimal));
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    m = r.manifests;
    project = r.project;
  });

  const P = '/properties/spec/properties';
  const D = (def: string, field: string): string => `/$defs/${def}/properties/${field}`;
  const ms = (v: unknown): number => parseDuration(String(v));
  const cases: [string, string, (v: unknown) => unknown, () => unknown][] = [
    ['server.json', `${P}/enableIpv6`, (v) => v, () => m.servers.get('a')?.spec.enableIpv6],
    ['server.json', `${P}/protect`, (v) => v, () => m.servers.get('a')?.spec.protect],
    ['server.json', `${P}/rebuild/properties/timezone`, (v) => v, () => m.servers.get('a')?.spec.rebuild?.timezone],
    ['server.json', `${P}/rebuild/properties/jitter`, ms, () => m.servers.get('a')?.spec.rebuild?.jitter],
    ['server.json', `${P}/rebuild/properties/installTimeout`, ms, () => m.servers.get('a')?.spec.rebuild?.installTimeout],
    ['server.json', D('healthCheck', 'interval'), ms, () => m.servers.get('a')?.spec.healthCheck?.interval],
    ['server.json', D('healthCheck', 'path'), (v) => v, () => m.servers.get('a')?.spec.healthCheck?.path],
    ['server.json', D('healthCheck', 'unhealthyThreshold'), (v) => v, () => m.servers.get('a')?.spec.healthCheck?.unhealthyThreshold],
    ['server.json', D('sshTarget', 'user'), (v) => v, () => { const h = m.servers.get('a')?.spec.destroyHooks[0]; return h && 'ssh' in h ? h.ssh.ssh.user : undefined; }],
    ['server.json', D('sshTarget', 'commandTimeout'), ms, () => project.defaults.ssh.commandTimeout],
    ['snapshot.json', `${P}/keep`, (v) => v, () => m.snapshots.get('s')?.spec.keep],
    ['dns-zone.json', `${P}/records/items/properties/failover/properties/minHealthy`, (v) => v, () => m.dnsZones.get('z')?.spec.records[0]?.failover?.minHealthy],
    ['project.json', `${P}/defaults/properties/dnsTtl`, (v) => v, () => m.dnsZones.get('z')?.spec.records[0]?.ttl],
    ['deployment.json', `${P}/health/properties/deadline`, ms, () => m.deployments.get('d')?.spec.health.deadline],
    ['deployment.json', `${P}/strategy/properties/lockTtl`, ms, () => m.deployments.get('d')?.spec.strategy.lockTtl],
    ['deployment.json', `${P}/strategy/properties/keepPrevious`, (v) => v, () => m.deployments.get('d')?.spec.strategy.keepPrevious],
    ['deployment.json', `${P}/proxy/properties/nginx/properties/command`, (v) => v, () => m.deployments.get('d')?.spec.proxy.nginx.command],
    ['notifier.json', `${P}/events`, (v) => v, () => m.notifiers.get('n')?.spec.events],
    ['project.json', `${P}/safety/properties/maxChangePercent`, (v) => v, () => project.safety.maxChangePercent],
    ['project.json', `${P}/providers/properties/vultr/properties/apiKeyEnv`, (v) => v, () => project.providers.vultr.apiKeyEnv],
  ];
  it.each(cases)('%s %s', (file, pointer, convert, actual) => {
    const documented = schemaDefault(file, pointer);
    expect(documented, 'the schema documents a default').toBeDefined();
    expect(actual()).toEqual(convert(documented));
  });

  it('resolves regions from pools, snapshots for rebuilds and git/container sources', async () => {
    const r = await loadProject(writeRepo({
      'manifests/a.yaml': `${head('RegionPool', 'eu')}  regions: [ams, fra]\n---\n${head('Server', 'v')}  regionPool: eu\n  plan: vc2-1c-1gb\n  image:\n    snapshot: s\n  rebuild:\n    rotateRegions: true\n---\n${snap('s', 'b')}---\n${srv('b')}`,
    }));
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.manifests.servers.get('v')?.spec).toMatchObject({ region: 'ams', regionPool: 'eu', rebuild: { regions: ['ams', 'fra'], snapshot: 's' } });
  });
});
