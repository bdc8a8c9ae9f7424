import type { SimRecord } from '../types.ts';
import { CF_ERRORS, CfFailure } from './errors.ts';
import { RECORD_TYPES } from './record-input.ts';

type Test = (r: SimRecord) => boolean;

/** The filter of a list without filters; the caller can skip filtering altogether. */
export const MATCH_ALL: Test = () => true;
type Op = 'exact' | 'contains' | 'startswith' | 'endswith';

function textTest(get: (r: SimRecord) => string, op: Op, want: string): Test {
  const w = want.toLowerCase();
  switch (op) {
    case 'exact': return (r) => get(r).toLowerCase() === w;
    case 'contains': return (r) => get(r).toLowerCase().includes(w);
    case 'startswith': return (r) => get(r).toLowerCase().startsWith(w);
    case 'endswith': return (r) => get(r).toLowerCase().endsWith(w);
  }
}

const OPS: Op[] = ['exact', 'contains', 'startswith', 'endswith'];

function tagParts(tag: string): [string, string] {
  const i = tag.indexOf(':');
  return i < 0 ? [tag, ''] : [tag.slice(0, i), tag.slice(i + 1)];
}

/** `tag.<op>=name:value`: the named tag's value matches. */
function tagTest(op: Op, want: string): Test {
  const [name, value] = tagParts(want);
  const matches = textTest((r) => r.content, op, value);
  // Reuse the text matcher on a throwaway record holding the tag's value.
  return (r) => r.tags.some((t) => {
    const [n, val] = tagParts(t);
    return n === name && matches({ ...r, content: val });
  });
}

/**
 * The list filters of `GET /zones/:zone_id/dns_records`: name/content/comment with
 * exact|contains|startswith|endswith, comment and tag presence, tags, type, proxied and search,
 * combined with `match` (fields) and `tag_match` (tag filters), as the v4 API documents.
 */
export function recordFilter(q: URLSearchParams, zoneName: string): Test {
  const tests: Test[] = [];
  const tagTests: Test[] = [];
  const fqdn = (n: string) => (n === '@' ? zoneName : n.toLowerCase().replace(/\.$/, ''));
  const name = q.get('name');
  if (name !== null) tests.push(textTest((r) => r.name, 'exact', fqdn(name)));
  const type = q.get('type');
  if (type !== null) {
    if (!(RECORD_TYPES as readonly string[]).includes(type)) throw new CfFailure(400, [CF_ERRORS.badQuery('type')]);
    tests.push((r) => r.type === type);
  }
  const content = q.get('content');
  if (content !== null) tests.push(textTest((r) => r.content, 'exact', content));
  const comment = q.get('comment');
  if (comment !== null) tests.push(textTest((r) => r.comment ?? '', 'exact', comment));
  for (const op of OPS) {
    const n = q.get(`name.${op}`);
    if (n !== null) tests.push(textTest((r) => r.name, op, op === 'exact' ? fqdn(n) : n));
    const c = q.get(`content.${op}`);
    if (c !== null) tests.push(textTest((r) => r.content, op, c));
    const m = q.get(`comment.${op}`);
    if (m !== null) tests.push((r) => r.comment !== null && textTest((x) => x.comment ?? '', op, m)(r));
    const t = q.get(`tag.${op}`);
    if (t !== null) tagTests.push(tagTest(op, t));
  }
  if (q.has('comment.present')) tests.push((r) => r.comment !== null);
  if (q.has('comment.absent')) tests.push((r) => r.comment === null);
  const tag = q.get('tag');
  if (tag !== null) tagTests.push(tag.includes(':') ? (r) => r.tags.includes(tag) : (r) => r.tags.some((t) => tagParts(t)[0] === tag));
  const present = q.get('tag.present');
  if (present !== null) tagTests.push((r) => r.tags.some((t) => tagParts(t)[0] === present));
  const absent = q.get('tag.absent');
  if (absent !== null) tagTests.push((r) => !r.tags.some((t) => tagParts(t)[0] === absent));
  const proxied = q.get('proxied');
  if (proxied !== null) tests.push((r) => r.proxied === (proxied === 'true'));
  const search = q.get('search');
  if (search !== null) {
    const s = search.toLowerCase();
    tests.push((r) => r.name.includes(s) || r.content.toLowerCase().includes(s) || (r.comment ?? '').toLowerCase().includes(s));
  }
  const any = q.get('match') === 'any';
  const tagAny = q.get('tag_match') === 'any';
  if (tagTests.length > 0) tests.push(tagAny ? (r) => tagTests.some((t) => t(r)) : (r) => tagTests.every((t) => t(r)));
  if (tests.length === 0) return MATCH_ALL;
  return any ? (r) => tests.some((t) => t(r)) : (r) => tests.every((t) => t(r));
}
