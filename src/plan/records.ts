/**
 * DNS records: per record set (name + type), desired values against owned live records, compared as
 * sets. Matching values stay; remaining pairs become in-place content updates (so a name keeps its
 * A record throughout); only the surplus is created or deleted, deletes after the set's other changes.
 */
import { formatRecordComment, formatRecordTags, parseRecordComment } from '../model/ownership.ts';
import type { LiveRecord, LiveZone } from '../model/live.ts';
import type { DnsZoneDoc } from '../model/types.ts';
import { addProblem, addUnmanaged, formatSource, recordOwnership, type PlanContext } from './context.ts';
import { comparesPriority, effectiveRecordSettings, normalizeContent } from './normalize.ts';
import { desiredRecordSets, recordKey, type WantSet, type WantValue } from './record-sets.ts';
import type { Change, DesiredRecord, FieldChange } from './types.ts';

/** Long values (DKIM keys) are shortened in sentences; the field diff shows them whole. */
const brief = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}…` : s);

/** A live record in compared form. */
interface Have {
  rec: LiveRecord;
  content: string;
  ttl: DesiredRecord['ttl'];
  proxied: boolean;
  priority?: number;
  comment: string;
}

function have(rec: LiveRecord): Have {
  const n = normalizeContent(rec.type, rec.content, rec.priority);
  return {
    rec, content: n.content, ...effectiveRecordSettings(rec.type, rec.ttl, rec.proxied),
    ...(n.priority === undefined ? {} : { priority: n.priority }), comment: parseRecordComment(rec.comment).text,
  };
}

function desiredRecord(ctx: PlanContext, zone: DnsZoneDoc, lz: LiveZone, set: WantSet, v: WantValue): DesiredRecord | undefined {
  const o = { owner: ctx.owner, name: zone.metadata.name };
  try {
    return {
      fqdn: set.fqdn, type: set.type, content: v.content, ttl: set.ttl, proxied: set.proxied,
      ...(set.priority === undefined ? {} : { priority: set.priority }),
      comment: formatRecordComment(set.comment, o, lz.plan === 'free' ? 100 : 500),
      tags: lz.plan === 'free' ? [] : formatRecordTags(o),
    };
  } catch (err) {
    addProblem(ctx, zone.source, `DNSZone/${zone.metadata.name}`, set.spec.declaredBy.path, (err as Error).message);
    return undefined;
  }
}

function diffPair(set: WantSet, v: WantValue, h: Have): FieldChange[] {
  const f: FieldChange[] = [];
  if (typeof v.content !== 'string' || v.content !== h.content) f.push({ field: 'content', from: h.content, to: v.display });
  if (set.ttl !== h.ttl) f.push({ field: 'ttl', from: h.ttl, to: set.ttl });
  if (set.proxied !== h.proxied) f.push({ field: 'proxied', from: h.proxied, to: set.proxied });
  if (comparesPriority(set.type) && set.priority !== h.priority) f.push({ field: 'priority', from: h.priority, to: set.priority });
  if (set.comment !== h.comment) f.push({ field: 'comment', from: h.comment, to: set.comment });
  return f;
}

/** Live records sort as they always have (`localeCompare`); one collator does it without a lookup per call. */
const collate = new Intl.Collator().compare;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Pairs desired values with live records: equal content first, then a replaced server's old address, then
 * in order. Live records are indexed by content once, so a set of n values and n records costs n log n.
 */
function match(set: WantSet | undefined, haves: Have[]): { pairs: [WantValue, Have][]; creates: WantValue[]; deletes: Have[] } {
  const left = [...haves].sort((a, b) => collate(a.content, b.content) || collate(a.rec.id, b.rec.id));
  const taken = new Set<number>();
  const byContent = new Map<string, number[]>();
  left.forEach((h, i) => push(byContent, h.content, i));
  const take = (content: string | undefined): Have | undefined => {
    const list = content === undefined ? undefined : byContent.get(content);
    while (list?.length && taken.has(list[0]!)) list.shift();
    const i = list?.shift();
    if (i === undefined) return undefined;
    taken.add(i);
    return left[i];
  };
  let next = 0;
  const takeNext = (): Have | undefined => {
    while (next < left.length && taken.has(next)) next++;
    if (next >= left.length) return undefined;
    taken.add(next);
    return left[next++];
  };
  const pairs: [WantValue, Have][] = [];
  const unpaired: WantValue[] = [];
  for (const v of set?.values ?? []) {
    const h = take(typeof v.content === 'string' ? v.content : undefined);
    if (h) pairs.push([v, h]);
    else unpaired.push(v);
  }
  const rest: WantValue[] = [];
  for (const v of unpaired) {
    const h = take(v.previous);
    if (h) pairs.push([v, h]);
    else rest.push(v);
  }
  const creates: WantValue[] = [];
  for (const v of rest) {
    const h = takeNext();
    if (h) pairs.push([v, h]);
    else creates.push(v);
  }
  return { pairs, creates, deletes: left.filter((_, i) => !taken.has(i)) };
}

/** Records other owners (or nobody) hold in a zone, by record set: what a desired value may collide with. */
type ForeignRecords = Map<string, Map<string, LiveRecord[]>>;

function planZone(ctx: PlanContext, lz: LiveZone, zone: DnsZoneDoc | undefined, owned: LiveRecord[], foreign: ForeignRecords): void {
  const sets = zone ? desiredRecordSets(ctx, zone) : new Map<string, WantSet>();
  const byKey = new Map<string, Have[]>();
  for (const r of owned) push(byKey, recordKey(r.fqdn, r.type), have(r));
  const source = formatSource(zone?.source);
  const base = { kind: 'DNSRecord' as const, dependsOn: [] as string[], ...(source ? { source } : {}) };
  for (const key of [...new Set([...sets.keys(), ...byKey.keys()])].sort()) {
    const set = sets.get(key);
    const { pairs, creates, deletes } = match(set, byKey.get(key) ?? []);
    const at = { zoneId: lz.id, zone: lz.name };
    for (const [v, h] of pairs) {
      const fields = diffPair(set!, v, h);
      const record = fields.length ? desiredRecord(ctx, zone!, lz, set!, v) : undefined;
      if (!record) continue;
      const moves = fields.some((f) => f.field === 'content');
      ctx.changes.push({
        ...base, id: `DNSRecord/${key} ${h.content}#update`, action: 'update', name: `${key} ${h.content}`,
        reason: moves ? `point ${key} at ${brief(v.display)} in place of ${brief(h.content)}` : `update ${fields.map((f) => f.field).join(', ')} in place`,
        fields, dependsOn: v.dependsOn, payload: { op: 'record.update', ...at, recordId: h.rec.id, record, live: h.rec },
      });
    }
    for (const v of creates) {
      const record = desiredRecord(ctx, zone!, lz, set!, v);
      if (!record) continue;
      ctx.changes.push({
        ...base, id: `DNSRecord/${key} ${v.display}#create`, action: 'create', name: `${key} ${v.display}`,
        reason: 'declared in the manifests, not found in the zone',
        fields: [{ field: 'content', to: v.display }, { field: 'ttl', to: set!.ttl }, { field: 'proxied', to: set!.proxied }],
        dependsOn: v.dependsOn, payload: { op: 'record.create', ...at, record },
      });
    }
    for (const h of deletes) {
      ctx.changes.push({
        ...base, id: `DNSRecord/${key} ${h.content}#delete`, action: 'delete', name: `${key} ${h.content}`,
        reason: set ? 'no longer among the record set\'s values' : 'record set no longer in the manifests',
        fields: [{ field: 'content', from: h.content }], payload: { op: 'record.delete', ...at, record: h.rec },
      });
    }
    if (set) reportConflicts(ctx, zone!, set, foreign.get(lz.id)?.get(key) ?? []);
  }
}

/** A value that an unowned record already holds cannot be created (Cloudflare: "identical record exists"). */
function reportConflicts(ctx: PlanContext, zone: DnsZoneDoc, set: WantSet, foreign: LiveRecord[]): void {
  for (const r of foreign) {
    const c = normalizeContent(r.type, r.content, r.priority).content;
    if (set.values.some((v) => v.content === c)) {
      addProblem(ctx, zone.source, `DNSZone/${zone.metadata.name}`, set.spec.declaredBy.path,
        `${set.fqdn} ${set.type} ${c} already exists in the zone without ${ctx.owner}'s marker; adopt it or remove it first`);
    }
  }
}

/**
 * Plans record changes for every live zone a DNSZone names, and deletes owned records in zones no manifest
 * names any more. Each live record is read a fixed number of times: its ownership once, then it is indexed
 * by zone (owned) or by zone and record set (everyone else's), so planning grows with the record count.
 */
export function planRecords(ctx: PlanContext): void {
  const docsByZone = new Map([...ctx.desired.dnsZones.values()].map((d) => [d.spec.zone.toLowerCase().replace(/\.$/, ''), d]));
  // Read once; everything below works on this copy, in live order (conflicts are reported in it).
  const records = [...ctx.live.records];
  const owners = records.map((r) => recordOwnership(r));
  const foreign: ForeignRecords = new Map();
  records.forEach((r, i) => {
    if (owners[i]?.owner === ctx.owner) return;
    let zone = foreign.get(r.zoneId);
    if (!zone) foreign.set(r.zoneId, (zone = new Map()));
    push(zone, recordKey(r.fqdn, r.type), r);
  });
  const owned = new Map<string, LiveRecord[]>();
  for (const i of records.map((_, i) => i).sort((a, b) => collate(records[a]!.id, records[b]!.id))) {
    const r = records[i]!;
    const o = owners[i];
    if (o?.owner !== ctx.owner) addUnmanaged(ctx, 'DNSRecord', `${r.zoneId}/${r.id}`, `${r.fqdn} ${r.type} ${r.content}`, o);
    else push(owned, r.zoneId, r);
  }
  const liveZones = new Set(ctx.live.zones.map((z) => z.name));
  for (const [name, doc] of [...docsByZone].sort(([a], [b]) => a.localeCompare(b))) {
    if (!liveZones.has(name)) {
      addProblem(ctx, doc.source, `DNSZone/${doc.metadata.name}`, '/spec/zone', `zone ${name} was not found at Cloudflare (or the token cannot see it)`);
    }
  }
  for (const lz of [...ctx.live.zones].sort((a, b) => a.name.localeCompare(b.name))) {
    planZone(ctx, lz, docsByZone.get(lz.name), owned.get(lz.id) ?? [], foreign);
  }
}

/** Whether a record change is an address record (A or AAAA). */
export function isAddressChange(c: Change): boolean {
  const p = c.payload;
  const type = p.op === 'record.delete' ? p.record.type : p.op === 'record.create' || p.op === 'record.update' ? p.record.type : '';
  return type === 'A' || type === 'AAAA';
}
