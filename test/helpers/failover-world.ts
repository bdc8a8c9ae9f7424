/**
 * A reachable simulator seeded with keelson-owned servers answering HTTP on their loopback
 * addresses, A record sets of two (or more) servers each with a failover policy, the matching
 * manifests and real-SDK providers. Loopback only.
 */
import { defaultWorld, FOREIGN_IDS, seedInstance, startSimulator, type Simulator } from '../../src/sim/index.ts';
import type { SimRecord } from '../../src/sim/types.ts';
import type { DnsZoneDoc, FailoverPolicy, Manifests, ServerDoc } from '../../src/model/types.ts';
import type { Providers } from '../../src/providers/types.ts';
import type { RateBudget } from '../../src/providers/rate-budget.ts';
import { serverDoc } from './server-doc.ts';
import { simProviders } from './sim-world.ts';

export const OWNER = 'acme';

export interface FailoverWorldOptions {
  /** Record sets (names app-0, app-1, ...). */
  names?: number;
  /** Servers per record set. */
  perName?: number;
  policy?: Partial<FailoverPolicy>;
  check?: Partial<FailoverPolicy['check']>;
  /** The zone: example.com (free, 200 records) or example.net (pro). */
  zone?: 'example.com' | 'example.net';
  onResponse?: (status: number, endpoint: string) => void;
}

export interface FailoverWorld {
  sim: Simulator;
  manifests: Manifests;
  zone: string;
  /** Server names per record set fqdn. */
  sets: Map<string, string[]>;
  providers(wrap?: (b: RateBudget) => RateBudget): Providers;
  /** The server's loopback address. */
  address(server: string): string;
  /** Addresses in DNS for a name, from the simulator's own state. */
  inDns(fqdn: string): string[];
}

export async function startFailoverWorld(opts: FailoverWorldOptions = {}): Promise<FailoverWorld> {
  const names = opts.names ?? 1;
  const per = opts.perName ?? 2;
  const zone = opts.zone ?? 'example.com';
  const zoneId = zone === 'example.com' ? FOREIGN_IDS.exampleCom : FOREIGN_IDS.exampleNet;
  const base = defaultWorld();
  const sets = new Map<string, string[]>();
  const instances = [];
  const records: SimRecord[] = [];
  let n = 0;
  for (let k = 0; k < names; k++) {
    const fqdn = `app-${k}.${zone}`;
    const servers: string[] = [];
    for (let j = 0; j < per; j++, n++) {
      const name = `web-${n}`;
      servers.push(name);
      // A documentation address in the seed: the reachable simulator moves it (and its record) to loopback.
      const ip = `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      instances.push(seedInstance({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, ip, label: name, hostname: name, tags: [`keelson:owner=${OWNER}`, `keelson:name=${name}`] }));
      records.push({
        id: `fa11${String(n).padStart(28, '0')}`, zone_id: zoneId, name: fqdn, type: 'A', content: ip, ttl: 60, proxied: false,
        comment: `[k:${OWNER}/failover-zone]`, tags: zone === 'example.net' ? [`keelson-owner:${OWNER}`, 'keelson-name:failover-zone'] : [], settings: {},
        created_on: '2026-11-01T00:00:00.000000Z', modified_on: '2026-11-01T00:00:00.000000Z',
      });
    }
    sets.set(fqdn, servers);
  }
  const sim = await startSimulator({
    rateLimits: true, reachable: { ports: [{ port: 8080, protocol: 'http', path: '/health' }] },
    seed: { vultr: { ...base.vultr, instances: [...base.vultr.instances, ...instances] }, cloudflare: { ...base.cloudflare, records: [...base.cloudflare.records, ...records] } },
    ...(opts.onResponse && { onResponse: (e) => opts.onResponse!(e.status, e.endpoint) }),
  });
  const policy: FailoverPolicy = {
    check: { type: 'http', port: 8080, path: '/health', expectStatus: 200, interval: 100, timeout: 500, healthyThreshold: 2, unhealthyThreshold: 2, ...opts.check },
    minHealthy: 1, holdDown: 300, scheme: 'http', tlsVerify: true, notify: [], ...opts.policy,
  };
  const servers = [...sets.values()].flat().map((name) => serverDoc(name, { image: { os: 'Ubuntu 22.04 LTS x64' } }));
  const zoneDoc: DnsZoneDoc = {
    kind: 'DNSZone', metadata: { name: 'failover-zone', labels: {}, annotations: {} }, source: { file: 'manifests/dns.yaml', line: 1, col: 1 },
    spec: {
      provider: 'cloudflare', zone, defaultTtl: 'auto',
      records: [...sets].map(([fqdn, list], i) => ({
        fqdn, name: fqdn.split('.')[0]!, type: 'A', ttl: 60, proxied: false, source: { servers: list }, failover: policy,
        declaredBy: { kind: 'DNSZone', name: 'failover-zone', path: `/spec/records/${i}` },
      })),
    },
  };
  const manifests: Manifests = {
    servers: new Map(servers.map((d): [string, ServerDoc] => [d.metadata.name, d])),
    snapshots: new Map(), regionPools: new Map(), dnsZones: new Map([['failover-zone', zoneDoc]]), deployments: new Map(), notifiers: new Map(),
    sshKeys: new Map(), startupScripts: new Map(),
  };
  const byLabel = () => new Map(sim.admin.dump().vultr.instances.map((i) => [i.label, i.ip]));
  return {
    sim, manifests, zone, sets,
    providers: (wrap) => simProviders(sim, wrap),
    address: (server) => byLabel().get(server)!,
    inDns: (fqdn) => sim.admin.dump().cloudflare.records.filter((r) => r.name === fqdn && r.type === 'A').map((r) => r.content).sort(),
  };
}
