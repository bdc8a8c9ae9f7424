/**
 * A tiny pure "apply" for property tests: executes a plan against an in-memory live state the way
 * the providers report things back (TTL auto as 1, MX priority split off, comments raw with the
 * marker, ownership left for the planner to parse). Not the executor; just enough to close the loop.
 */
import type { LiveRecord, LiveServer, LiveState } from '../../src/model/live.ts';
import type { DesiredRecord, Plan } from '../../src/plan/types.ts';

export function applyModel(live: LiveState, plan: Plan, seed = 0): LiveState {
  const next = structuredClone(live);
  let n = 0;
  // Later applies (higher seed) create later servers, as in the real world.
  const stamp = (): string => new Date(Date.parse(live.observedAt) + seed * 86_400_000 + ++n * 1000).toISOString();
  const serverFor = (name: string): LiveServer => {
    const all = next.servers.filter((s) => s.ownership?.name === name && s.ownership.owner === plan.owner);
    const s = all.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (!s) throw new Error(`no server ${name} to resolve an address from`);
    return s;
  };
  const content = (r: DesiredRecord): string => {
    if (typeof r.content === 'string') return r.content;
    const s = serverFor(r.content.server);
    return (r.content.family === 4 ? s.ipv4 : s.ipv6)!;
  };
  const toLive = (r: DesiredRecord, id: string, zoneId: string): LiveRecord => ({
    provider: 'cloudflare', id, zoneId, fqdn: r.fqdn, type: r.type, content: r.type === 'TXT' ? `"${content(r)}"` : content(r), ttl: r.ttl === 'auto' ? 1 : r.ttl, proxied: r.proxied,
    ...(r.priority === undefined ? {} : { priority: r.priority }), comment: r.comment, tags: r.tags,
  });
  for (const c of plan.changes) {
    const p = c.payload;
    switch (p.op) {
      case 'server.create':
      case 'server.replace': {
        const r = p.request;
        const os = 'os' in r.image ? next.catalog.os.find((o) => o.id === (r.image as { osId?: number }).osId) : undefined;
        const k = seed * 1000 + next.servers.length + n;
        next.servers.push({
          provider: 'vultr', id: `srv-${r.op}-${k}`, label: r.label, hostname: r.hostname, region: r.region, plan: r.plan,
          osName: os?.name ?? 'Snapshot', osId: os?.id ?? 164, tags: [...r.tags].sort(), status: 'active', power: 'running', install: 'ok',
          ipv4: `10.${seed % 250}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`, ...(r.enableIpv6 ? { ipv6: `2001:db8::${k.toString(16)}` } : {}),
          createdAt: stamp(), createHash: r.createHash, ownership: r.ownership,
        });
        break;
      }
      case 'server.update': {
        const s = next.servers.find((x) => x.id === p.serverId)!;
        if (p.patch.plan) s.plan = p.patch.plan;
        if (p.patch.label) s.label = p.patch.label;
        if (p.patch.tags) s.tags = [...p.patch.tags].sort();
        break;
      }
      case 'server.delete':
        next.servers = next.servers.filter((x) => x.id !== p.server.id);
        break;
      case 'record.create':
        next.records.push(toLive(p.record, `rec-${seed}-${next.records.length}-${n++}`, p.zoneId));
        break;
      case 'record.update':
        next.records = next.records.map((x) => (x.id === p.recordId ? toLive(p.record, x.id, p.zoneId) : x));
        break;
      case 'record.delete':
        next.records = next.records.filter((x) => x.id !== p.record.id);
        break;
      default:
        throw new Error(`apply model does not handle ${p.op}`);
    }
  }
  return next;
}
