import { VULTR_ERRORS, VultrFailure } from './errors.ts';

/** Vultr's `meta` object. */
export interface VultrMeta {
  total: number;
  links: { next: string; prev: string };
}

function cursorFor(kind: 'next' | 'prev', offset: number): string {
  return Buffer.from(`${kind}__${offset}`).toString('base64url');
}

function offsetOf(cursor: string): number {
  const m = /^(next|prev)__(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new VultrFailure(400, VULTR_ERRORS.invalidCursor);
  return Number(m[2]);
}

/**
 * Cursor pagination as Vultr does it: `per_page` (default 100, at most `max`), opaque `cursor`,
 * and `meta.links.next`/`prev` that are `""` at the ends.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams, max: number): { page: T[]; meta: VultrMeta } {
  const raw = query.get('per_page');
  const perPage = raw === null || raw === '' ? 100 : Number(raw);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > max) throw new VultrFailure(400, VULTR_ERRORS.invalidPerPage);
  const cursor = query.get('cursor');
  const start = cursor ? offsetOf(cursor) : 0;
  const end = start + perPage;
  return {
    page: items.slice(start, end),
    meta: {
      total: items.length,
      links: {
        next: end < items.length ? cursorFor('next', end) : '',
        prev: start > 0 ? cursorFor('prev', Math.max(0, start - perPage)) : '',
      },
    },
  };
}
