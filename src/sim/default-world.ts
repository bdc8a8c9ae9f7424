import { SIM_TOKEN_PREFIX } from './tokens.ts';
import type { SimInstance, SimRecord, SimSnapshot, SimZone, VultrOs, VultrPlan, VultrRegion, WorldData } from './types.ts';

/** Tokens the simulator accepts unless told otherwise (documented in the README, "The embedded simulator"). */
export const DEFAULT_TOKENS = { vultr: `${SIM_TOKEN_PREFIX}vultr-key`, cloudflare: `${SIM_TOKEN_PREFIX}cloudflare-token` } as const;

/** Fixed ids of the seeded resources that belong to someone else, for assertions. */
export const FOREIGN_IDS = {
  instance: '8a3c1f52-6f0e-4c7b-9d21-3e5b7a9c0d11',
  snapshot: '5d2e8b71-0c4a-4f39-8e6d-1a7b9c3e2f40',
  sshKey: '0b7c2d41-9e8f-4a6b-8c5d-2e1f3a4b5c60',
  exampleCom: '9a7806061c88ada191ed06f989cc3dac',
  exampleNet: '3f2c5e9d7b1a4c8e6d0f2a4b6c8e0d1f',
  records: ['1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f', '2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70', '3e4f5a6b7c8d9e0f1a2b3c4d5e6f7081'],
} as const;

const STANDARD_OPTIONS = ['ddos_protection', 'block_storage_storage_opt', 'load_balancers', 'kubernetes'];

const REGIONS: VultrRegion[] = [
  { id: 'ewr', city: 'New Jersey', country: 'US', continent: 'North America', options: [...STANDARD_OPTIONS, 'block_storage_high_perf'] },
  { id: 'ord', city: 'Chicago', country: 'US', continent: 'North America', options: STANDARD_OPTIONS },
  { id: 'dfw', city: 'Dallas', country: 'US', continent: 'North America', options: STANDARD_OPTIONS },
  { id: 'lax', city: 'Los Angeles', country: 'US', continent: 'North America', options: STANDARD_OPTIONS },
  { id: 'sea', city: 'Seattle', country: 'US', continent: 'North America', options: STANDARD_OPTIONS },
  { id: 'ams', city: 'Amsterdam', country: 'NL', continent: 'Europe', options: [...STANDARD_OPTIONS, 'block_storage_high_perf'] },
  { id: 'fra', city: 'Frankfurt', country: 'DE', continent: 'Europe', options: STANDARD_OPTIONS },
  { id: 'lhr', city: 'London', country: 'GB', continent: 'Europe', options: STANDARD_OPTIONS },
  { id: 'sgp', city: 'Singapore', country: 'SG', continent: 'Asia', options: ['ddos_protection', 'block_storage_storage_opt'] },
  { id: 'nrt', city: 'Tokyo', country: 'JP', continent: 'Asia', options: ['ddos_protection', 'block_storage_storage_opt'] },
  { id: 'syd', city: 'Sydney', country: 'AU', continent: 'Australia', options: ['block_storage_storage_opt'] },
];

const ALL = REGIONS.map((r) => r.id);

const PLANS: VultrPlan[] = [
  { id: 'vc2-1c-1gb', vcpu_count: 1, ram: 1024, disk: 25, disk_count: 1, bandwidth: 1024, monthly_cost: 5, type: 'vc2', locations: ALL },
  { id: 'vc2-1c-2gb', vcpu_count: 1, ram: 2048, disk: 55, disk_count: 1, bandwidth: 2048, monthly_cost: 10, type: 'vc2', locations: ALL },
  { id: 'vc2-2c-4gb', vcpu_count: 2, ram: 4096, disk: 80, disk_count: 1, bandwidth: 3072, monthly_cost: 20, type: 'vc2', locations: ALL.filter((r) => r !== 'syd') },
  { id: 'vc2-4c-8gb', vcpu_count: 4, ram: 8192, disk: 160, disk_count: 1, bandwidth: 4096, monthly_cost: 40, type: 'vc2', locations: ['ewr', 'ord', 'dfw', 'lax', 'ams', 'fra', 'lhr'] },
  { id: 'vhf-1c-1gb', vcpu_count: 1, ram: 1024, disk: 32, disk_count: 1, bandwidth: 1024, monthly_cost: 6, type: 'vhf', locations: ['ewr', 'ord', 'lax', 'sea', 'ams', 'fra', 'sgp', 'nrt'] },
  { id: 'vhf-2c-4gb', vcpu_count: 2, ram: 4096, disk: 128, disk_count: 1, bandwidth: 3072, monthly_cost: 24, type: 'vhf', locations: ['ewr', 'ams', 'fra', 'nrt'] },
];

/** Plans the region lists but has sold out of right now: availability is narrower than `locations`. */
const SOLD_OUT: Record<string, string[]> = { fra: ['vc2-4c-8gb'], nrt: ['vhf-2c-4gb'], sgp: ['vc2-2c-4gb'] };

const OS_LIST: VultrOs[] = [
  { id: 2284, name: 'Ubuntu 24.04 LTS x64', arch: 'x64', family: 'ubuntu' },
  { id: 1743, name: 'Ubuntu 22.04 LTS x64', arch: 'x64', family: 'ubuntu' },
  { id: 2136, name: 'Debian 12 x64 (bookworm)', arch: 'x64', family: 'debian' },
  { id: 477, name: 'Debian 11 x64 (bullseye)', arch: 'x64', family: 'debian' },
  { id: 1868, name: 'AlmaLinux 9 x64', arch: 'x64', family: 'almalinux' },
  { id: 2076, name: 'Alpine Linux x64', arch: 'x64', family: 'alpinelinux' },
  { id: 159, name: 'Custom', arch: 'x64', family: 'iso' },
  { id: 164, name: 'Snapshot', arch: 'x64', family: 'snapshot' },
  { id: 186, name: 'Application', arch: 'x64', family: 'application' },
];

const SEED_TIME = '2024-03-01T10:00:00+00:00';
const SEED_MS = Date.parse(SEED_TIME);

/** An instance that finished installing long ago; fill in what the test cares about. */
export function seedInstance(fields: Partial<SimInstance> & Pick<SimInstance, 'id' | 'ip'>): SimInstance {
  return {
    os: 'Ubuntu 22.04 LTS x64', os_id: 1743, app_id: 0, image_id: '', snapshot_id: '', plan: 'vc2-1c-1gb', region: 'ewr',
    label: '', hostname: 'vultr-guest', tag: '', tags: [], date_created: SEED_TIME, createdAt: SEED_MS, power_status: 'running',
    suspended: false, v6_ip: '', v6_network: '', internal_ip: '', firewall_group_id: '', features: [], user_scheme: 'root',
    install: { kind: 'os', startedAt: SEED_MS, durationMs: 0 }, bandwidth: {}, meteredUntil: SEED_MS,
    ...fields,
  };
}

function zone(id: string, name: string, plan: SimZone['plan']): SimZone {
  return {
    id, name, plan, status: 'active', created_on: '2023-06-01T08:00:00.000000Z',
    account: { id: '6f1e2d3c4b5a69788796a5b4c3d2e1f0', name: 'Someone Else Co' },
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
  };
}

function record(id: string, zoneId: string, fields: Partial<SimRecord> & Pick<SimRecord, 'name' | 'type' | 'content'>): SimRecord {
  return {
    id, zone_id: zoneId, ttl: 1, proxied: false, comment: null, tags: [], settings: {},
    created_on: '2023-06-01T08:00:00.000000Z', modified_on: '2023-06-01T08:00:00.000000Z', ...fields,
  };
}

/**
 * The default world: real-looking Vultr catalogue, two Cloudflare zones (example.com on Free,
 * example.net on Pro so tags are allowed) and a few resources that belong to someone else.
 * Returns a fresh copy on every call, so callers may change it.
 */
export function defaultWorld(): WorldData {
  const snapshot: SimSnapshot = {
    id: FOREIGN_IDS.snapshot, date_created: SEED_TIME, createdAt: SEED_MS, description: 'legacy golden image (not keelson)',
    fullSize: 26_843_545_600, os_id: 1743, app_id: 0, readyAt: SEED_MS,
  };
  const availability: Record<string, string[]> = {};
  for (const r of REGIONS) availability[r.id] = PLANS.filter((p) => p.locations.includes(r.id) && !SOLD_OUT[r.id]?.includes(p.id)).map((p) => p.id);
  const com = FOREIGN_IDS.exampleCom;
  return {
    version: 1,
    vultr: {
      account: {
        name: 'Simulated Account', email: 'ops@example.com', acls: ['manage_users', 'subscriptions', 'billing', 'provisioning', 'dns', 'firewall'],
        balance: -25.5, pending_charges: 4.12, last_payment_date: '2024-02-01T00:00:00+00:00', last_payment_amount: -25,
      },
      regions: structuredClone(REGIONS),
      plans: structuredClone(PLANS),
      availability,
      os: structuredClone(OS_LIST),
      sshKeys: [{ id: FOREIGN_IDS.sshKey, date_created: SEED_TIME, name: 'ops-laptop', ssh_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9wcy1sYXB0b3Atc2ltdWxhdGVkLWtleQ ops@laptop' }],
      startupScripts: [],
      instances: [seedInstance({ id: FOREIGN_IDS.instance, ip: '192.0.2.10', label: 'legacy-mail', hostname: 'mail', tags: ['team:mail'] })],
      snapshots: [snapshot],
      reservedIps: [],
    },
    cloudflare: {
      zones: [zone(com, 'example.com', 'free'), zone(FOREIGN_IDS.exampleNet, 'example.net', 'pro')],
      records: [
        record(FOREIGN_IDS.records[0], com, { name: 'mail.example.com', type: 'A', content: '192.0.2.10', comment: 'managed by hand' }),
        record(FOREIGN_IDS.records[1], com, { name: 'example.com', type: 'MX', content: 'mail.example.com', priority: 10 }),
        record(FOREIGN_IDS.records[2], com, { name: 'example.com', type: 'TXT', content: '"v=spf1 mx -all"', ttl: 3600 }),
      ],
    },
    foreign: [
      { kind: 'instance', id: FOREIGN_IDS.instance },
      { kind: 'snapshot', id: FOREIGN_IDS.snapshot },
      { kind: 'ssh_key', id: FOREIGN_IDS.sshKey },
      ...FOREIGN_IDS.records.map((id) => ({ kind: 'dns_record' as const, id })),
    ],
    ipCursor: 0,
  };
}
