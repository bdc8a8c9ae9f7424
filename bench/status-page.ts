/**
 * Status page benchmark: renders the page and the JSON twin for a 1,000-server fleet (1,000 DNS
 * names, 100 snapshots, 50 events, some servers drifted, down or rebuilding). Prints time per render
 * and size; never asserted (aim: under 100 ms and under 1 MB).
 */
import type { StatusSnapshot } from '../src/controller/options.ts';
import { renderStatusPage } from '../src/controller/status-page/render.ts';

const NOW = Date.parse('2026-01-05T12:00:00Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const REGIONS = ['ewr', 'ord', 'ams', 'fra', 'sgp', 'nrt'];

function fleet(n: number): StatusSnapshot {
  const commit = { hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', subject: 'fleet: 1,000 servers', author: 'Ana Ops <ana@example.com>', date: iso(3_600_000) };
  const servers = Array.from({ length: n }, (_, i) => ({
    name: `vpn-${i}`, region: REGIONS[i % REGIONS.length]!, plan: 'vc2-1c-1gb', ipv4: `192.0.2.${i % 250}`, ipv6: `2001:db8::${i.toString(16)}`,
    state: 'active/running/ok', health: i % 97 === 0 ? 'down' as const : 'healthy' as const, sync: i % 50 === 0 ? 'drifted' as const : 'in-sync' as const,
    ...(i % 100 === 0 && { rebuild: { running: { since: iso(60_000) } } }), ...(i % 3 === 0 && { bandwidth: { limitGB: 1000 } }),
  }));
  return {
    generatedAt: iso(0), branch: 'main', head: commit, applied: { ...commit, at: iso(3_000_000) }, ready: true, lastTick: iso(10_000),
    last: { trigger: 'drift', revision: commit.hash, outcome: 'applied', at: iso(10_000), ms: 4200, counts: { create: 0, update: 20, replace: 0, delete: 0 }, refusals: [], problems: [], changes: [] },
    rebuilds: { running: [], held: [] },
    events: Array.from({ length: 50 }, (_, i) => ({ event: 'drift.corrected' as const, resource: `commit/${i}`, message: `drift corrected: ${i} change(s)`, key: {}, at: iso(i * 60_000), idempotencyKey: `k${i}`, deliveryErrors: [] })),
    fleet: {
      observedAt: iso(10_000), revision: commit.hash, servers,
      dns: servers.map((s) => ({ name: `${s.name}.example.net`, type: 'A', zone: 'example.net', declared: [`server ${s.name}`], live: [s.ipv4], targets: [{ server: s.name, inDns: s.health !== 'down' }], sync: s.sync })),
      snapshots: Array.from({ length: 100 }, (_, i) => ({ name: `golden-${i}`, state: 'complete', createdAt: iso(86_400_000), count: 2, sync: 'in-sync' as const })),
      deployments: [{ name: 'agent', targets: servers.slice(0, 50).map((s) => s.name) }],
    },
  };
}

export async function benchStatusPage(): Promise<void> {
  const s = fleet(1000);
  renderStatusPage(s); // warm up
  const runs = 20;
  const t0 = performance.now();
  let html = '';
  for (let i = 0; i < runs; i++) html = renderStatusPage(s);
  const ms = (performance.now() - t0) / runs;
  const t1 = performance.now();
  const json = JSON.stringify(s, null, 2);
  const jsonMs = performance.now() - t1;
  process.stdout.write(
    `status page: 1,000 servers, 1,000 DNS names, 100 snapshots, 50 events\n` +
      `  render       ${ms.toFixed(1)} ms per page (mean of ${runs}; aim under 100 ms)\n` +
      `  page size    ${(Buffer.byteLength(html) / 1024).toFixed(0)} KB HTML (aim under 1 MB)\n` +
      `  /api/status  ${(Buffer.byteLength(json) / 1024).toFixed(0)} KB JSON, serialized in ${jsonMs.toFixed(1)} ms\n`,
  );
}
