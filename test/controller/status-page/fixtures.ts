/** Status snapshots of a fleet in each state, for the page's rendering tests and the bench. */
import type { StatusSnapshot } from '../../../src/controller/options.ts';
import type { ServerRow } from '../../../src/controller/status-page/fleet.ts';

export const NOW = Date.parse('2026-01-05T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const commit = { hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', subject: 'web: two servers', author: 'Ana Ops', date: at(30) };

export function server(name: string, extra: Partial<ServerRow> = {}): ServerRow {
  return { name, region: 'ewr', plan: 'vc2-1c-1gb', ipv4: '192.0.2.10', ipv6: '2001:db8::10', state: 'active/running/ok', health: 'healthy', sync: 'in-sync', ...extra };
}

export function healthy(servers: ServerRow[] = [server('web-1'), server('web-2', { ipv4: '192.0.2.11' })]): StatusSnapshot {
  return {
    generatedAt: new Date(NOW).toISOString(), branch: 'main', head: commit, applied: { ...commit, at: at(20) }, ready: true, lastTick: at(1),
    last: { trigger: 'drift', revision: commit.hash, outcome: 'in-sync', at: at(1), ms: 840, counts: { create: 0, update: 0, replace: 0, delete: 0 }, refusals: [], problems: [], changes: [] },
    rebuilds: { running: [], held: [] },
    events: [{ event: 'reconcile.recovered', resource: 'commit/a1b2c3d4e5f6', message: 'reconcile of a1b2c3d4e5f6 applied', key: {}, at: at(20), idempotencyKey: 'k1', deliveryErrors: [] }],
    fleet: {
      observedAt: at(1), revision: commit.hash, servers,
      dns: [{ name: 'www.example.com', type: 'A', zone: 'example.com', declared: ['server web-1', 'server web-2'], live: ['192.0.2.10', '192.0.2.11'], targets: [{ server: 'web-1', inDns: true }, { server: 'web-2', inDns: true }], sync: 'in-sync' }],
      snapshots: [{ name: 'base', state: 'complete', createdAt: at(60 * 26), count: 2, sync: 'in-sync' }],
      deployments: [{ name: 'app', targets: ['web-1', 'web-2'] }],
    },
  };
}
