import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FREE_COMMENT_LIMIT, formatNameMarker, formatRecordComment, formatRecordTags, formatServerTags, formatSnapshotDescription, isOwnedBy,
  parseNameMarker, parseRecordComment, parseRecordOwnership, parseRecordTags, parseServerTags, parseSnapshotDescription, USER_COMMENT_MAX,
} from '../../src/model/ownership.ts';

const id = fc.stringMatching(/^[a-z0-9](?:[-a-z0-9]{0,30}[a-z0-9])?$/);
const name = fc.stringMatching(/^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/);
const comment = fc.string({ maxLength: USER_COMMENT_MAX }).map((s) => s.trim());

describe('server tags', () => {
  it('round-trip every mark, user tags kept apart and sorted', () => {
    const tags = formatServerTags({ ownership: { owner: 'acme', name: 'web-ewr', op: 'op123', successorOf: 'abc-1' }, createHash: 'deadbeef', protect: true });
    expect(tags).toEqual(['keelson:owner=acme', 'keelson:name=web-ewr', 'keelson:op=op123', 'keelson:spec=deadbeef', 'keelson:successor-of=abc-1', 'keelson:protect=true']);
    expect(parseServerTags(['zeta', ...tags, 'alpha'])).toEqual({
      marks: { ownership: { owner: 'acme', name: 'web-ewr', op: 'op123', successorOf: 'abc-1' }, createHash: 'deadbeef', protect: true },
      userTags: ['alpha', 'zeta'],
    });
  });

  it('an owner tag alone, or a malformed one, is not ownership', () => {
    expect(parseServerTags(['keelson:owner=acme']).marks).toBeUndefined();
    expect(parseServerTags(['keelson:owner=ACME!', 'keelson:name=x']).marks).toBeUndefined();
    expect(parseServerTags(['owner=acme', 'name=web']).marks).toBeUndefined();
  });

  it('refuses to format an invalid owner', () => {
    expect(() => formatServerTags({ ownership: { owner: 'Bad Owner', name: 'x' } })).toThrow(/invalid owner/);
  });

  it('round-trips for any valid owner and name (property)', () => {
    fc.assert(fc.property(id, name, (owner, n) => {
      expect(parseServerTags(formatServerTags({ ownership: { owner, name: n } })).marks?.ownership).toEqual({ owner, name: n });
    }));
  });
});

describe('snapshot description marker', () => {
  it('round-trips with and without user text', () => {
    const d = formatSnapshotDescription('golden image', { owner: 'acme', name: 'golden', op: 'x1' });
    expect(d).toBe('golden image [keelson:acme/golden@x1]');
    expect(parseSnapshotDescription(d)).toEqual({ text: 'golden image', ownership: { owner: 'acme', name: 'golden', op: 'x1' } });
    expect(parseSnapshotDescription(formatSnapshotDescription(undefined, { owner: 'acme', name: 'g' }))).toEqual({ text: '', ownership: { owner: 'acme', name: 'g' } });
  });

  it('carries protect as a !protect flag inside the marker; markers without it parse as before', () => {
    const d = formatSnapshotDescription('golden image', { owner: 'acme', name: 'golden', op: 'x1' }, { protect: true });
    expect(d).toBe('golden image [keelson:acme/golden@x1!protect]');
    expect(parseSnapshotDescription(d)).toEqual({ text: 'golden image', ownership: { owner: 'acme', name: 'golden', op: 'x1' }, protect: true });
    expect(formatSnapshotDescription(undefined, { owner: 'acme', name: 'g' }, { protect: true })).toBe('[keelson:acme/g!protect]');
    expect(parseSnapshotDescription('[keelson:acme/g!protect]')).toEqual({ text: '', ownership: { owner: 'acme', name: 'g' }, protect: true });
    expect(formatSnapshotDescription('x', { owner: 'acme', name: 'g' }, { protect: false })).toBe('x [keelson:acme/g]');
    expect(parseSnapshotDescription('old [keelson:acme/g@op-1]')).toEqual({ text: 'old', ownership: { owner: 'acme', name: 'g', op: 'op-1' } });
    for (const d of ['[keelson:acme/g!protected]', '[keelson:acme/g!]', '[keelson:acme/g!protect@op]', '[keelson:acme/g] !protect']) {
      expect(parseSnapshotDescription(d).protect).toBeUndefined();
    }
  });

  it('someone else\'s description is never parsed as a marker', () => {
    for (const d of ['[keelson:acme/golden] old note', 'my snapshot', 'x[keelson:acme/golden]', '[keelson:ACME/golden]', '[keelson:acme]']) {
      expect(parseSnapshotDescription(d).ownership).toBeUndefined();
    }
  });
});

describe('record comment marker', () => {
  it('round-trips, owner and name', () => {
    const c = formatRecordComment('front door', { owner: 'acme', name: 'example-com' });
    expect(c).toBe('front door [k:acme/example-com]');
    expect(parseRecordComment(c)).toEqual({ text: 'front door', ownership: { owner: 'acme', name: 'example-com' } });
  });

  it('drops the name when it does not fit the Free limit, and parses the short form', () => {
    const owner = 'a'.repeat(32);
    const c = formatRecordComment('x'.repeat(60), { owner, name: 'n'.repeat(63) });
    expect(c.length).toBeLessThanOrEqual(FREE_COMMENT_LIMIT);
    expect(parseRecordComment(c)).toEqual({ text: 'x'.repeat(60), ownership: { owner, name: '' } });
  });

  it('always fits 100 characters with a user comment of up to 60 (property)', () => {
    fc.assert(fc.property(comment, id, name, (text, owner, n) => {
      const c = formatRecordComment(text, { owner, name: n });
      expect(c.length).toBeLessThanOrEqual(FREE_COMMENT_LIMIT);
      const back = parseRecordComment(c);
      expect(back.text).toBe(text);
      expect(back.ownership?.owner).toBe(owner);
      expect(['', n]).toContain(back.ownership?.name);
    }));
  });

  it('throws when even the short marker cannot fit', () => {
    expect(() => formatRecordComment('x'.repeat(95), { owner: 'acme', name: 'z' })).toThrow(/too long/);
  });

  it('a human comment is never parsed as ours', () => {
    for (const c of ['see [k:acme] below', '[k:acme', 'k:acme', '[K:acme]', '[k:acme/Web]', 'ticket [k:ac me]', '']) {
      expect(isOwnedBy(parseRecordComment(c).ownership, 'acme')).toBe(false);
    }
    expect(isOwnedBy(parseRecordComment('[k:other/x]').ownership, 'acme')).toBe(false);
  });

  it('tag form for paid zones round-trips; the comment wins when both are present', () => {
    expect(parseRecordTags(formatRecordTags({ owner: 'acme', name: 'example-com' }))).toEqual({ owner: 'acme', name: 'example-com' });
    expect(parseRecordTags(['keelson-name:x'])).toBeUndefined();
    expect(parseRecordOwnership('note', ['keelson-owner:acme'])).toEqual({ text: 'note', ownership: { owner: 'acme', name: '' } });
    expect(parseRecordOwnership('[k:other]', ['keelson-owner:acme']).ownership?.owner).toBe('other');
  });
});

describe('ssh key and startup script name markers', () => {
  it('round-trip owner, name and a script digest', () => {
    fc.assert(fc.property(id, name, fc.option(fc.stringMatching(/^[0-9a-f]{12}$/), { nil: undefined }), (owner, n, digest) => {
      const text = formatNameMarker({ owner, name: n }, digest);
      expect(text.startsWith(`${n} [keelson:${owner}/${n}`)).toBe(true);
      expect(parseNameMarker(text)).toEqual({ ownership: { owner, name: n }, ...(digest ? { digest } : {}) });
    }));
  });

  it('only a marker ending the name, in exactly this form, counts', () => {
    expect(parseNameMarker('ops')).toEqual({});
    expect(parseNameMarker('ops [keelson:acme/ops] (copy)')).toEqual({});
    expect(parseNameMarker('ops [keelson:ACME/ops]')).toEqual({});
    expect(parseNameMarker('ops [k:acme/ops]')).toEqual({});
    expect(parseNameMarker('laptop [keelson:acme/ops#xyz]')).toEqual({});
  });

  it('refuses an invalid owner or digest', () => {
    expect(() => formatNameMarker({ owner: 'Bad', name: 'ops' })).toThrow(/invalid owner/);
    expect(() => formatNameMarker({ owner: 'acme', name: 'ops' }, 'not-hex')).toThrow(/invalid digest/);
  });
});
