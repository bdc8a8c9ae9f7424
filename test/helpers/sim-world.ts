/**
 * A simulator seeded with keelson-owned servers, a golden snapshot and their DNS records, plus the
 * matching manifests and real-SDK providers, for rebuild and destroy tests. Loopback only.
 */
import { startSimulator, defaultWorld, seedInstance, FOREIGN_IDS, type Simulator, type SimulatorOptions } from '../../src/sim/index.ts';
import type { SimRecord, SimSnapshot, WorldData } from '../../src/sim/types.ts';
import type { DnsZoneDoc, HealthCheck, Manifests, RebuildPolicy, ServerDoc } from '../../src/model/types.ts';
import { createVultrClient } from '../../src/providers/vultr/client.ts';
import { createVultrProvider } from '../../src/providers/vultr/provider.ts';
import { createCloudflareClient } from '../../src/providers/cloudflare/client.ts';
import { createCloudflareProvider } from '../../src/providers/cloudflare/provider.ts';
import { createRateBudget, type BudgetSettings, type RateBudget } from '../../src/providers/rate-budget.ts';
import type { Providers } from '../../src/providers/types.ts';
import { serverDoc } from './server-doc.ts';

export const OWNER = 'acme';
export const ZONE = 'example.com';
export const GOLDEN_ID = 'a1b2c3d4-0000-4000-8000-00000000feed';
const T0 = Date.parse('2026-11-10T12:00:00Z');

export interface WorldOptions {
  servers?: number;
  snapshotPendingMs?: number;
  rebuild?: Partial<RebuildPolicy>;
  healthCheck?: HealthCheck;
  sim?: SimulatorOptions;
  /** Called after every API response the simulator sends (e.g. an invariant probe). */
  onResponse?: () => void;
  /** Traffic already used by each old server this month, per day. */
  bandwidthBytes?: number;
}

export interface TestWorld {
  sim: Simulator;
  manifests: Manifests;
  names: string[];
  fqdn: (name: string) => string;
  oldIds: Map<string, string>;
  /** Real-SDK providers; `wrap` sees every attempt (a test's kill switch). */
  providers(wrap?: (budget: RateBudget) => RateBudget, vultrBudget?: Partial<BudgetSettings>): Providers;
}

export const oldIp = (i: number): string => `198.51.100.${200 + i}`;

export async function startWorld(opts: WorldOptions = {}): Promise<TestWorld> {
  const count = opts.servers ?? 1;
  const names = Array.from({ length: count }, (_, i) => `vpn-${i}`);
  const base = defaultWorld();
  const golden: SimSnapshot = {
    id: GOLDEN_ID, date_created: '2026-11-01T00:00:00+00:00', createdAt: T0 - 86_400_000, description: `vpn base [keelson:${OWNER}/golden]`,
    fullSize: 5_000_000_000, os_id: 2284, app_id: 0, readyAt: opts.snapshotPendingMs ? T0 + opts.snapshotPendingMs : T0 - 1,
  };
  const day = new Date(T0).toISOString().slice(0, 10);
  const instances = names.map((name, i) =>
    seedInstance({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ip: oldIp(i), label: name, hostname: name, region: 'ewr',
      tags: [`keelson:owner=${OWNER}`, `keelson:name=${name}`],
      bandwidth: opts.bandwidthBytes ? { [day]: { incoming_bytes: opts.bandwidthBytes, outgoing_bytes: 0 } } : {},
      meteredUntil: T0 + 86_400_000,
    }),
  );
  const records: SimRecord[] = names.map((name, i) => ({
    id: `f00d${String(i).padStart(28, '0')}`, zone_id: FOREIGN_IDS.exampleCom, name: `${name}.${ZONE}`, type: 'A', content: oldIp(i),
    ttl: 60, proxied: false, comment: `[k:${OWNER}/example]`, tags: [], settings: {},
    created_on: '2026-11-01T00:00:00.000000Z', modified_on: '2026-11-01T00:00:00.000000Z',
  }));
  const seed: WorldData['vultr'] = { ...base.vultr, instances: [...base.vultr.instances, ...instances], snapshots: [...base.vultr.snapshots, golden] };
  const sim = await startSimulator({
    startTime: T0,
    rateLimits: false,
    timings: { snapshotInstallMs: 5 * 60_000, snapshotMs: 2 * 60_000 },
    ...opts.sim,
    ...(opts.onResponse ? { onResponse: opts.onResponse } : {}),
    seed: { vultr: seed, cloudflare: { ...base.cloudflare, records: [...base.cloudflare.records, ...records] } },
  });
  const manifests = worldManifests(names, opts);
  return {
    sim, manifests, names,
    fqdn: (name) => `${name}.${ZONE}`,
    oldIds: new Map(instances.map((i, n) => [names[n]!, i.id])),
    providers: (wrap, vultrBudget) => simProviders(sim, wrap, vultrBudget),
  };
}

/** The manifests matching the seeded world: one Server per name with its A record, and the zone. */
export function worldManifests(names: string[], opts: Pick<WorldOptions, 'rebuild' | 'healthCheck'> = {}): Manifests {
  const docs = names.map((name) =>
    serverDoc(name, {
      image: { snapshot: 'golden' },
      dns: [{ zone: 'example', name, type: 'A', proxied: false, ttl: 60 }],
      ...(opts.healthCheck ? { healthCheck: opts.healthCheck } : {}),
    }, { regions: ['ewr', 'ams'], rotateRegions: true, ...opts.rebuild }),
  );
  const zoneDoc: DnsZoneDoc = {
    kind: 'DNSZone', metadata: { name: 'example', labels: {}, annotations: {} }, source: { file: 'manifests/dns.yaml', line: 1, col: 1 },
    spec: {
      provider: 'cloudflare', zone: ZONE, defaultTtl: 'auto',
      records: names.map((name) => ({
        fqdn: `${name}.${ZONE}`, name, type: 'A', ttl: 60, proxied: false, source: { servers: [name] },
        declaredBy: { kind: 'Server', name, path: '/spec/dns/0' },
      })),
    },
  };
  return {
    servers: new Map(docs.map((d): [string, ServerDoc] => [d.metadata.name, d])),
    snapshots: new Map(), regionPools: new Map(), dnsZones: new Map([['example', zoneDoc]]), deployments: new Map(), notifiers: new Map(), sshKeys: new Map(), startupScripts: new Map(),
  };
}

/** Real-SDK providers for a simulator (its URLs and tokens), each with its own budgets. */
export function simProviders(
  sim: Pick<Simulator, 'vultrBaseUrl' | 'cloudflareBaseUrl' | 'tokens'>,
  wrap: (budget: RateBudget) => RateBudget = (b) => b,
  vultrBudget: Partial<BudgetSettings> = {},
): Providers {
  const retry = { retries: 4, minDelayMs: 1, maxDelayMs: 5 };
  const vultr = createVultrClient({ apiKey: sim.tokens.vultr, baseUrl: sim.vultrBaseUrl, budget: wrap(createRateBudget('vultr', { limit: 25, windowMs: 1000, ...vultrBudget })), retry });
  const cf = createCloudflareClient({ apiToken: sim.tokens.cloudflare, baseURL: sim.cloudflareBaseUrl, budget: wrap(createRateBudget('cloudflare', { limit: 1100, windowMs: 300_000 })), retry });
  return { compute: createVultrProvider(vultr), dns: createCloudflareProvider(cf) };
}
