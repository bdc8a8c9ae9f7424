/**
 * Adoption (`keelson import`): turns existing, unmarked resources into keelson's. For each selected
 * server and zone it computes the manifest that describes it as it is and the marker writes that make
 * it owned; `adopt` then performs those writes. Resources that carry any owner's marker are never
 * touched (someone else's, or already ours). Safe to repeat: a second run finds nothing unmarked.
 */
import type { LiveRecord, LiveServer, LiveState } from '../model/live.ts';
import { formatRecordComment, formatRecordTags, formatServerTags, parseServerTags } from '../model/ownership.ts';
import type { Providers, RecordChangeSet } from '../providers/types.ts';

export interface ImportSelection {
  /** Server ids or labels to adopt. */
  servers: string[];
  /** Zone names whose unmarked records to adopt. */
  zones: string[];
  all: boolean;
  /** Names the manifests already use: an adopted resource never takes one (its manifest would clash). */
  reserved?: Iterable<string>;
}

export interface Adoption {
  owner: string;
  servers: { live: LiveServer; name: string; tags: string[] }[];
  zones: { zoneId: string; zone: string; plan: LiveState['zones'][number]['plan']; name: string; records: LiveRecord[] }[];
}

/** Manifest names: lowercase letters, digits and dashes. */
export function manifestName(raw: string, taken: Set<string>): string {
  const base = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'imported';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** What an import would adopt, given a fresh observation. Pure. */
export function planAdoption(live: LiveState, owner: string, sel: ImportSelection): Adoption {
  const taken = new Set<string>(sel.reserved);
  for (const s of live.servers) if (s.ownership?.owner === owner) taken.add(s.ownership.name);
  const servers = live.servers
    .filter((s) => !s.ownership && (sel.all || sel.servers.includes(s.id) || sel.servers.includes(s.label)))
    .map((s) => {
      const name = manifestName(s.label || s.hostname || s.id.slice(0, 8), taken);
      const { userTags } = parseServerTags(s.tags);
      return { live: s, name, tags: [...userTags, ...formatServerTags({ ownership: { owner, name } })] };
    });
  const zones = live.zones
    .filter((z) => sel.all || sel.zones.includes(z.name))
    .map((z) => ({
      zoneId: z.id,
      zone: z.name,
      plan: z.plan,
      name: manifestName(`${z.name.replace(/\./g, '-')}`, taken),
      records: live.records.filter((r) => r.zoneId === z.id && !r.ownership),
    }))
    .filter((z) => z.records.length > 0);
  return { owner, servers, zones };
}

/** Writes the markers: server tags and label, record comments (and tags on paid zones). */
export async function adopt(providers: Providers, a: Adoption): Promise<void> {
  for (const s of a.servers) await providers.compute.updateServer(s.live.id, { tags: s.tags, label: s.name });
  for (const z of a.zones) {
    const o = { owner: a.owner, name: z.name };
    const changes: RecordChangeSet = {
      deletes: [],
      creates: [],
      updates: z.records.map((r) => ({
        id: r.id,
        record: {
          fqdn: r.fqdn, type: r.type, content: r.content, ttl: r.ttl, proxied: r.proxied,
          ...(r.priority !== undefined && { priority: r.priority }),
          comment: formatRecordComment(r.comment, o, z.plan === 'free' ? 100 : 500),
          tags: z.plan === 'free' ? [] : [...r.tags, ...formatRecordTags(o)],
        },
      })),
    };
    await providers.dns.applyRecordChanges({ provider: 'cloudflare', id: z.zoneId, name: z.zone, plan: z.plan }, changes);
  }
}
