/** The simulator's page cache stays within its byte bound, evicting the oldest pages first. */
import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src/sim/page-cache.ts';

const page = (text: string) => ({ status: 200, headers: undefined, body: Buffer.from(text) });

describe('PageCache', () => {
  it('evicts the oldest page when a new one would pass the byte bound, and never stores a page larger than it', () => {
    const cache = new PageCache(10);
    cache.set('/a', 1, 0, 100, page('aaaaaa'));
    cache.set('/b', 1, 0, 100, page('bbbbbb'));
    expect(cache.get('/a', 1, 0)).toBeUndefined();
    expect(cache.get('/b', 1, 0)?.body.toString()).toBe('bbbbbb');
    cache.set('/huge', 1, 0, 100, page('x'.repeat(11)));
    expect(cache.get('/huge', 1, 0)).toBeUndefined();
    expect(cache.get('/b', 1, 0)?.body.toString()).toBe('bbbbbb');
  });

  it('serves a page only at its revision and inside its time range', () => {
    const cache = new PageCache(100);
    cache.set('/a', 1, 10, 20, page('a'));
    expect(cache.get('/a', 1, 15)).toBeDefined();
    expect(cache.get('/a', 1, 20)).toBeUndefined();
    cache.set('/a', 1, 10, 20, page('a'));
    expect(cache.get('/a', 2, 15)).toBeUndefined();
  });
});
