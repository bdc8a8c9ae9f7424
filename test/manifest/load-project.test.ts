import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/manifest/load-project.ts';
import { formatLocation } from '../../src/errors.ts';
import { serverYaml, writeRepo } from './helpers.ts';

const server = serverYaml;

describe('loadProject', () => {
  it('loads the starter repository at the repo root', async () => {
    const r = await loadProject('.');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.project.owner).toBe('starter');
    expect([...r.manifests.servers.keys()]).toEqual(['web-1']);
    const www = r.manifests.dnsZones.get('example-com')?.spec.records.find((x) => x.fqdn === 'www.example.com');
    expect(www).toMatchObject({ type: 'A', ttl: 300, source: { servers: ['web-1'] }, declaredBy: { kind: 'Server', name: 'web-1' } });
  });

  it('reads several documents per file and fills defaults', async () => {
    const root = writeRepo({ 'manifests/a.yml': `${server('a')}---\n${server('b', '  rebuild:\n    schedule: "0 3 * * 1"\n    installTimeout: 30m\n')}` });
    const r = await loadProject(root);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifests.servers.get('b')?.spec.rebuild).toMatchObject({ timezone: 'UTC', installTimeout: 1_800_000, regions: ['ewr'], jitter: 0 });
    expect(r.manifests.servers.get('b')?.source).toEqual({ file: 'manifests/a.yml', line: 11, col: 1 });
  });

  it('reports every problem of every file in one run, with file, line and resource', async () => {
    const root = writeRepo({
      'manifests/a.yaml': server('a', '  colour: red\n'),
      'manifests/b.yaml': server('b', '  regionPool: nowhere\n'),
    });
    const r = await loadProject(root);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${formatLocation(p)}: ${p.message}`)).toEqual([
      'manifests/a.yaml:10:3 [Server/a] spec.colour: unknown field "colour"',
      'manifests/b.yaml:10:15 [Server/b] spec.regionPool: RegionPool "nowhere" does not exist (no RegionPool is declared)',
    ]);
  });

  it('honours opts.manifestsDir and refuses a missing keelson.yaml', async () => {
    const root = writeRepo({ 'other/a.yaml': server('a') });
    expect((await loadProject(root, { manifestsDir: 'other' })).ok).toBe(true);
    const bare = writeRepo({ 'manifests/a.yaml': server('a') }, { project: false });
    const r = await loadProject(bare);
    expect(r.ok ? [] : r.problems.map((p) => p.file + ' ' + p.message)).toEqual([expect.stringMatching(/^keelson.yaml keelson.yaml not found/)]);
  });
});
