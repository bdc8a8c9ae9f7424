import { CF_ERRORS, CfFailure } from './errors.ts';

/** Cloudflare's `result_info`. */
export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

/**
 * Page-number pagination as the v4 API does it. Past the last page the result is empty (the SDK's
 * auto-pagination stops on an empty page, not on `total_pages`).
 */
export function pageOf<T>(items: readonly T[], query: URLSearchParams, perPage: { min: number; max: number; def: number }): { page: T[]; info: ResultInfo } {
  const rawPage = query.get('page');
  const rawPer = query.get('per_page');
  const page = rawPage === null ? 1 : Number(rawPage);
  const per = rawPer === null ? perPage.def : Number(rawPer);
  if (!Number.isInteger(page) || page < 1) throw new CfFailure(400, [CF_ERRORS.badPage]);
  if (!Number.isInteger(per) || per < perPage.min || per > perPage.max) throw new CfFailure(400, [CF_ERRORS.badPerPage]);
  const slice = items.slice((page - 1) * per, page * per);
  return { page: slice, info: { page, per_page: per, count: slice.length, total_count: items.length, total_pages: Math.ceil(items.length / per) } };
}

type Cmp<T> = (a: T, b: T) => number;

/** Sorts by `key` (asc/desc) with `id` as a tie-break, so pages are stable. */
export function sortBy<T extends { id: string }>(items: T[], key: (x: T) => string | number | boolean, direction: string | null): T[] {
  const dir = direction === 'desc' ? -1 : 1;
  const cmp: Cmp<T> = (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  return items.sort(cmp);
}
