/** User tags, labels, record comments and snapshot descriptions may not use keelson's marker syntax. */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/errors.ts';
import { loadProject } from '../../src/manifest/load-project.ts';
import { reservedMarkerIn } from '../../src/model/ownership.ts';
import { serverYaml, writeRepo } from './helpers.ts';

const server = serverYaml;

async function problems(files: Record<string, string>): Promise<string[]> {
  const r = await loadProject(writeRepo(files));
  if (r.ok) return [];
  return r.problems.map((p) => `${formatLocation(p)}: ${p.message}`);
}

describe('reserved marker syntax in manifests', () => {
  it('refuses keelson:name= and keelson:owner= tags with file:line:col and path', async () => {
    const out = await problems({ 'manifests/s.yaml': server('web', '  tags: [blue, "keelson:name=victim", "KEELSON:owner=zzz"]\n') });
    expect(out).toEqual([
      'manifests/s.yaml:10:16 [Server/web] spec.tags[1]: "keelson:name=victim" uses keelson\'s reserved marker syntax (tags starting with "keelson:" are keelson\'s ownership tags); choose other text',
      'manifests/s.yaml:10:39 [Server/web] spec.tags[2]: "KEELSON:owner=zzz" uses keelson\'s reserved marker syntax (tags starting with "keelson:" are keelson\'s ownership tags); choose other text',
    ]);
  });

  it('refuses a record comment ending in [k:x/y], a snapshot description with [keelson:…] and a marker in a label', async () => {
    const out = await problems({
      'manifests/s.yaml': `${server('web', '')}---
apiVersion: keelson.dev/v1
kind: DNSZone
metadata: { name: main, labels: { team: "[k:x/y]" } }
spec:
  zone: example.com
  records:
    - { name: www, type: A, servers: [web], comment: "front door [k:x/y]" }
---
apiVersion: keelson.dev/v1
kind: Snapshot
metadata: { name: golden }
spec:
  fromServer: web
  description: "base [keelson:zzz/golden]"
`,
    });
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^manifests\/s\.yaml:13:\d+ \[DNSZone\/main\] metadata\.labels\.team: "\[k:x\/y\]" uses keelson's reserved marker syntax/);
    expect(out[1]).toMatch(/^manifests\/s\.yaml:17:\d+ \[DNSZone\/main\] spec\.records\[0\]\.comment: "front door \[k:x\/y\]" uses keelson's reserved marker syntax \("\[k:…\]" is keelson's DNS record ownership marker\)/);
    expect(out[2]).toMatch(/^manifests\/s\.yaml:24:\d+ \[Snapshot\/golden\] spec\.description: "base \[keelson:zzz\/golden\]" uses keelson's reserved marker syntax/);
  });

  it('accepts ordinary text that merely mentions keelson', async () => {
    expect(await problems({ 'manifests/s.yaml': server('web', '  tags: [keelson-managed, "team:keelson", "env=prod"]\n') })).toEqual([]);
    expect(reservedMarkerIn('managed by keelson')).toBeUndefined();
    expect(reservedMarkerIn('keelson-owner:me')).toBeDefined();
  });
});
