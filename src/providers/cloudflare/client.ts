/**
 * The subset of the Cloudflare API keelson uses, as a narrow typed seam over the `cloudflare` SDK.
 * The SDK is built with `maxRetries: 0`: keelson's retry layer owns attempts, so every attempt is drawn
 * from the one Cloudflare budget and a write that may have been applied is never resent blindly.
 * Lists page by `result_info.total_pages` (the SDK's auto-pagination always asks for one empty page
 * more), and a listing whose count disagrees with `total_count` is an error, never a shorter list.
 */
import { cloudflareSdk } from './sdk.ts';
import type { RateBudget } from '../rate-budget.ts';
import { callProvider, type RetryPolicy } from '../retry.ts';
import { classifyCloudflareError } from './errors.ts';

export interface CfZone {
  id: string;
  name: string;
  plan?: { legacy_id?: string; name?: string };
}

export interface CfDnsRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied?: boolean;
  priority?: number;
  comment?: string | null;
  tags?: string[];
}

/** A record body as sent in a batch; `id` only in patches. */
export type CfRecordBody = Omit<CfDnsRecord, 'id' | 'comment'> & { id?: string; comment?: string };

export interface CfBatch {
  deletes: { id: string }[];
  patches: CfRecordBody[];
  posts: CfRecordBody[];
}

/** The list filters keelson uses, as the SDK spells them (sent as `comment.contains=…&tag.present=…&match=any`). */
export interface CfRecordSearch {
  comment?: { contains: string };
  tag?: { present: string };
  match?: 'any' | 'all';
}

export interface CloudflareClientOptions {
  apiToken: string;
  /** Must include `/client/v4`. */
  baseURL?: string;
  budget: RateBudget;
  retry: RetryPolicy;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface CloudflareClient {
  listZones(): Promise<CfZone[]>;
  /** All pages of a zone's records; `search` adds Cloudflare's list filters (`comment.contains`, `tag.present`, `match`). */
  listRecords(zoneId: string, search?: CfRecordSearch): Promise<CfDnsRecord[]>;
  /** One all-or-nothing batch call; not retried on ambiguous failures (see the provider). */
  batch(zoneId: string, batch: CfBatch): Promise<{ patches: CfDnsRecord[]; posts: CfDnsRecord[] }>;
}

const ZONES_PER_PAGE = 50;
const RECORDS_PER_PAGE = 5000;

interface PageLike<T> {
  result: T[];
  result_info?: { page?: number; total_pages?: number; total_count?: number };
}

export function createCloudflareClient(opts: CloudflareClientOptions): CloudflareClient {
  const sdk = new (cloudflareSdk().default)({ apiToken: opts.apiToken, baseURL: opts.baseURL, maxRetries: 0, timeout: opts.timeoutMs ?? 60_000 });

  function call<T>(operation: string, fn: () => Promise<T>, idempotent: boolean, resource?: string): Promise<T> {
    return callProvider(fn, { budget: opts.budget, policy: opts.retry, idempotent, classify: (err) => classifyCloudflareError(err, operation, resource) });
  }

  async function listPages<T>(operation: string, perPage: number, fetchPage: (page: number) => Promise<PageLike<T>>, resource?: string): Promise<T[]> {
    const out: T[] = [];
    let total: number | undefined;
    for (let page = 1; ; page++) {
      const body = await call(operation, () => fetchPage(page), true, resource);
      const items = body.result ?? [];
      out.push(...items);
      total = body.result_info?.total_count ?? total;
      const pages = body.result_info?.total_pages;
      const last = items.length === 0 || (pages !== undefined ? page >= pages : items.length < perPage);
      if (last) break;
    }
    if (total !== undefined && out.length !== total) {
      throw classifyCloudflareError(new Error(`listing returned ${out.length} of ${total} items (changed while listing?)`), operation, resource);
    }
    return out;
  }

  return {
    listZones: () =>
      listPages<CfZone>('list zones', ZONES_PER_PAGE, (page) => sdk.zones.list({ page, per_page: ZONES_PER_PAGE }) as unknown as Promise<PageLike<CfZone>>),
    listRecords: (zoneId, search) =>
      listPages<CfDnsRecord>(
        'list records',
        RECORDS_PER_PAGE,
        (page) => sdk.dns.records.list({ zone_id: zoneId, page, per_page: RECORDS_PER_PAGE, ...search }) as unknown as Promise<PageLike<CfDnsRecord>>,
        zoneId,
      ),
    async batch(zoneId, batch) {
      const params = { zone_id: zoneId, deletes: batch.deletes, patches: batch.patches, posts: batch.posts };
      const out = await call('batch records', () => sdk.dns.records.batch(params as unknown as Parameters<typeof sdk.dns.records.batch>[0]), false, zoneId);
      // A 200 with `success: false` is not an error to the SDK; a missing result is one to us.
      if (!out || typeof out !== 'object') throw classifyCloudflareError(new Error('batch returned no result'), 'batch records', zoneId);
      const r = out as { patches?: CfDnsRecord[]; posts?: CfDnsRecord[] };
      return { patches: r.patches ?? [], posts: r.posts ?? [] };
    },
  };
}
