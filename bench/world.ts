/** Builds the large worlds and matching projects the benches plan and apply against. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
// The world's builders only: the simulator itself runs in another process (remote-sim.ts).
import { defaultWorld, seedInstance } from '../src/sim/default-world.ts';
import type { WorldData } from '../src/sim/types.ts';
import { formatRecordComment, formatRecordTags, formatServerTags } from '../src/model/ownership.ts';

export const OWNER = 'bench';

function ip(i: number): string {
  return `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** `servers` owned servers (in ewr and ams) and, in example.net (Pro), one A record per server plus TXT records up to `records`. */
export function fleetWorld(servers: number, records: number): WorldData {
  const w = defaultWorld();
  const net = w.cloudflare.zones.find((z) => z.name === 'example.net')!;
  net.recordQuota = records + 100;
  for (let i = 0; i < servers; i++) {
    const name = `s-${i}`;
    w.vultr.instances.push(seedInstance({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ip: ip(i), label: name, hostname: name,
      region: i % 2 ? 'ams' : 'ewr', os: 'Ubuntu 24.04 LTS x64', os_id: 2284,
      tags: formatServerTags({ ownership: { owner: OWNER, name } }),
    }));
  }
  const o = { owner: OWNER, name: 'net' };
  const at = '2024-03-01T10:00:00.000000Z';
  for (let i = 0; i < records; i++) {
    const isA = i < servers;
    w.cloudflare.records.push({
      id: `b${String(i).padStart(31, '0')}`, zone_id: net.id, name: isA ? `s-${i}.example.net` : `t-${i}.example.net`,
      type: isA ? 'A' : 'TXT', content: isA ? ip(i) : `value ${i}`, ttl: 1, proxied: false,
      comment: formatRecordComment(undefined, o, 500), tags: formatRecordTags(o), settings: {}, created_on: at, modified_on: at,
    });
  }
  return w;
}

/** The project that declares exactly `fleetWorld(servers, records)`. */
export async function fleetProject(servers: number, records: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'keelson-bench-'));
  await mkdir(join(root, 'manifests'));
  await writeFile(join(root, 'keelson.yaml'), stringify({ apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 'bench' }, spec: { owner: OWNER } }));
  const docs: unknown[] = [];
  for (let i = 0; i < servers; i++) {
    docs.push({ apiVersion: 'keelson.dev/v1', kind: 'Server', metadata: { name: `s-${i}` }, spec: { region: i % 2 ? 'ams' : 'ewr', plan: 'vc2-1c-1gb', image: { os: 'Ubuntu 24.04 LTS x64' } } });
  }
  const recs: unknown[] = [];
  for (let i = 0; i < records; i++) {
    recs.push(i < servers ? { name: `s-${i}`, type: 'A', ttl: 'auto', servers: [`s-${i}`] } : { name: `t-${i}`, type: 'TXT', ttl: 'auto', value: `value ${i}` });
  }
  // Files of at most 1,000 servers each and the zone on its own: every file stays under the 1 MiB limit.
  for (let f = 0; f * 1000 < docs.length; f++) {
    await writeFile(join(root, 'manifests', `fleet-${f}.yaml`), docs.slice(f * 1000, (f + 1) * 1000).map((d) => stringify(d)).join('---\n'));
  }
  const zoneDoc = { apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: 'net' }, spec: { zone: 'example.net', records: recs } };
  await writeFile(join(root, 'manifests', 'zone.yaml'), stringify(zoneDoc));
  return root;
}
