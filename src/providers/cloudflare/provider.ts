/**
 * The Cloudflare `DnsProvider`: zones and records over the narrow client. Record writes go out as
 * batch calls (deletes, then patches, then posts; each batch all-or-nothing) of at most the zone
 * plan's batch size. After an ambiguous failure (the batch may have been applied) the zone is listed
 * again and only the part still missing is sent, so nothing is created twice.
 */
import type { LiveRecord, LiveZone, ZonePlan } from '../../model/live.ts';
import { RECORD_MARK_SEARCH } from '../../model/ownership.ts';
import { writeOnce } from '../retry.ts';
import type { DnsProvider, RecordChangeSet, RecordInput } from '../types.ts';
import type { CfBatch, CfDnsRecord, CfRecordSearch, CloudflareClient } from './client.ts';
import { recordMatches, toLiveRecord, toLiveZone, toRecordBody } from './map.ts';

/** Records per batch call by zone plan (Free 200, paid 3,500). */
export const BATCH_LIMIT: Record<ZonePlan, number> = { free: 200, pro: 3500, business: 3500, enterprise: 3500 };

/**
 * Records carrying a keelson marker: the comment contains it or (paid zones only; Free zones have no
 * tags) the owner tag is present. Cloudflare's comment filters are case-insensitive substring matches,
 * so this can only return more than keelson's records, never fewer; the planner reads the marker itself.
 */
function markedSearch(zone: LiveZone): CfRecordSearch {
  const comment = { contains: RECORD_MARK_SEARCH.commentContains };
  return zone.plan === 'free' ? { comment } : { comment, tag: { present: RECORD_MARK_SEARCH.tagPresent }, match: 'any' };
}

/** How often one chunk is re-examined and resent after ambiguous failures. */
const CHUNK_ATTEMPTS = 5;

interface Chunk {
  deletes: string[];
  updates: { id: string; record: RecordInput }[];
  creates: RecordInput[];
}

/** Splits a change set into batches of at most `limit` records, keeping deletes before updates before creates. */
export function chunkChanges(changes: RecordChangeSet, limit: number): Chunk[] {
  const items = [
    ...changes.deletes.map((id) => ({ k: 'd' as const, id })),
    ...changes.updates.map((u) => ({ k: 'u' as const, u })),
    ...changes.creates.map((c) => ({ k: 'c' as const, c })),
  ];
  const chunks: Chunk[] = [];
  for (let i = 0; i < items.length; i += limit) {
    const chunk: Chunk = { deletes: [], updates: [], creates: [] };
    for (const it of items.slice(i, i + limit)) {
      if (it.k === 'd') chunk.deletes.push(it.id);
      else if (it.k === 'u') chunk.updates.push(it.u);
      else chunk.creates.push(it.c);
    }
    chunks.push(chunk);
  }
  return chunks;
}

/** What of `chunk` is still to do, given the zone's records as listed now. */
export function remainingChunk(chunk: Chunk, live: CfDnsRecord[]): Chunk {
  const byId = new Map(live.map((r) => [r.id, r]));
  const unclaimed = [...live];
  const claim = (input: RecordInput): boolean => {
    const i = unclaimed.findIndex((r) => recordMatches(input, r));
    if (i < 0) return false;
    unclaimed.splice(i, 1);
    return true;
  };
  return {
    deletes: chunk.deletes.filter((id) => byId.has(id)),
    updates: chunk.updates.filter((u) => {
      const r = byId.get(u.id);
      return r !== undefined && !recordMatches(u.record, r);
    }),
    creates: chunk.creates.filter((c) => !claim(c)),
  };
}

function isEmpty(c: Chunk): boolean {
  return c.deletes.length + c.updates.length + c.creates.length === 0;
}

function toBatch(c: Chunk): CfBatch {
  return {
    deletes: c.deletes.map((id) => ({ id })),
    patches: c.updates.map((u) => toRecordBody(u.record, u.id)),
    posts: c.creates.map((r) => toRecordBody(r)),
  };
}

export function createCloudflareProvider(client: CloudflareClient): DnsProvider {
  async function sendChunk(zone: LiveZone, chunk: Chunk): Promise<LiveRecord[]> {
    let todo = chunk;
    return writeOnce({
      attempts: CHUNK_ATTEMPTS,
      lookFirst: false,
      look: async () => {
        const live = await client.listRecords(zone.id);
        todo = remainingChunk(chunk, live);
        return isEmpty(todo) ? settled(chunk, live, zone) : undefined;
      },
      act: async () => {
        const out = await client.batch(zone.id, toBatch(todo));
        return [...out.patches, ...out.posts].map((r) => toLiveRecord(r, zone.id));
      },
    });
  }

  return {
    name: 'cloudflare',
    listZones: async () => (await client.listZones()).map(toLiveZone),
    listRecords: async (zone, filter) => (await client.listRecords(zone.id, filter?.marked ? markedSearch(zone) : undefined)).map((r) => toLiveRecord(r, zone.id)),
    async applyRecordChanges(zone, changes) {
      const out: LiveRecord[] = [];
      // Sequential on purpose: a later chunk's creates may rely on an earlier chunk's deletes.
      for (const chunk of chunkChanges(changes, BATCH_LIMIT[zone.plan])) out.push(...(await sendChunk(zone, chunk)));
      return out;
    },
  };
}

/** The records a chunk wrote, found in a fresh listing (after an ambiguous batch turned out applied). */
function settled(chunk: Chunk, live: CfDnsRecord[], zone: LiveZone): LiveRecord[] {
  const wanted = [...chunk.updates.map((u) => u.record), ...chunk.creates];
  return live.filter((r) => wanted.some((w) => recordMatches(w, r))).map((r) => toLiveRecord(r, zone.id));
}
