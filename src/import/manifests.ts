/** The manifests that describe adopted resources as they are, so that the next plan is empty. */
import { stringify } from 'yaml';
import type { LiveRecord } from '../model/live.ts';
import type { Adoption } from './adopt.ts';

export function relativeName(fqdn: string, zone: string): string {
  if (fqdn === zone) return '@';
  return fqdn.endsWith(`.${zone}`) ? fqdn.slice(0, -(zone.length + 1)) : fqdn;
}

/** One record set as a manifest writes it. */
export interface RecordSetManifest {
  name: string;
  type: string;
  ttl: LiveRecord['ttl'];
  proxied?: true;
  priority?: number;
  comment?: string;
  value?: string;
  values?: string[];
}

/** Records with the same name, type and settings become one record set with several values. */
export function recordSets(records: LiveRecord[], zone: string): RecordSetManifest[] {
  const sets = new Map<string, { spec: RecordSetManifest; values: string[] }>();
  for (const r of [...records].sort((a, b) => a.fqdn.localeCompare(b.fqdn) || a.type.localeCompare(b.type) || a.content.localeCompare(b.content))) {
    const key = JSON.stringify([r.fqdn, r.type, r.ttl, r.proxied, r.priority, r.comment]);
    let set = sets.get(key);
    if (!set) {
      const spec: RecordSetManifest = { name: relativeName(r.fqdn, zone), type: r.type, ttl: r.ttl };
      if (r.proxied) spec.proxied = true;
      if (r.priority !== undefined) spec.priority = r.priority;
      if (r.comment) spec.comment = r.comment;
      set = { spec, values: [] };
      sets.set(key, set);
    }
    if (!set.values.includes(r.content)) set.values.push(r.content);
  }
  return [...sets.values()].map(({ spec, values }) => (values.length === 1 ? { ...spec, value: values[0] } : { ...spec, values }));
}

/** YAML documents (one per server, one per zone), with a header naming where they came from. */
export function adoptionManifests(a: Adoption): string {
  const docs: unknown[] = [];
  for (const s of a.servers) {
    const userTags = s.tags.filter((t) => !t.startsWith('keelson:'));
    docs.push({
      apiVersion: 'keelson.dev/v1',
      kind: 'Server',
      metadata: { name: s.name },
      spec: {
        region: s.live.region,
        plan: s.live.plan,
        image: { os: s.live.osName },
        hostname: s.live.hostname,
        ...(userTags.length && { tags: userTags }),
      },
    });
  }
  for (const z of a.zones) {
    docs.push({ apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: z.name }, spec: { zone: z.zone, records: recordSets(z.records, z.zone) } });
  }
  const header = `# Written by keelson import for owner ${a.owner}: these resources now carry keelson's marker.\n`;
  return header + docs.map((d) => stringify(d)).join('---\n');
}
