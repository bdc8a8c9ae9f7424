/** How apply's record changes are cut into Cloudflare batch calls, and what is resent after an ambiguous failure. */
import { describe, expect, it } from 'vitest';
import type { CfDnsRecord } from '../../src/providers/cloudflare/client.ts';
import { BATCH_LIMIT, chunkChanges, remainingChunk } from '../../src/providers/cloudflare/provider.ts';
import type { RecordInput } from '../../src/providers/types.ts';

const input = (fqdn: string, content: string): RecordInput => ({ fqdn, type: 'A', content, ttl: 'auto', proxied: false, comment: 'web [k:acme/main]' });
const cf = (id: string, fqdn: string, content: string): CfDnsRecord => ({ id, name: fqdn, type: 'A', content, ttl: 1, proxied: false, comment: 'web [k:acme/main]' });

describe('Cloudflare record batches', () => {
  it('limits are 200 records per call on Free zones and 3,500 on paid ones', () => {
    expect(BATCH_LIMIT).toEqual({ free: 200, pro: 3500, business: 3500, enterprise: 3500 });
  });

  it('fills batches in deletes, updates, creates order, at most N records each', () => {
    const changes = {
      deletes: ['r-1'],
      updates: [{ id: 'r-2', record: input('api.example.com', '198.51.100.2') }],
      creates: Array.from({ length: 5 }, (_, i) => input('www.example.com', `192.0.2.${i + 1}`)),
    };
    const chunks = chunkChanges(changes, 3);
    expect(chunks.map((c) => [c.deletes.length, c.updates.length, c.creates.length])).toEqual([[1, 1, 1], [0, 0, 3], [0, 0, 1]]);
    expect(chunkChanges(changes, BATCH_LIMIT.free)).toHaveLength(1);
    expect(chunkChanges({ deletes: [], updates: [], creates: Array.from({ length: 1000 }, (_, i) => input(`h${i}.example.com`, '192.0.2.1')) }, BATCH_LIMIT.free)).toHaveLength(5);
  });

  it('after an ambiguous failure only what the zone does not show yet is sent again', () => {
    const chunk = {
      deletes: ['gone', 'still-there'],
      updates: [{ id: 'u-done', record: input('a.example.com', '192.0.2.9') }, { id: 'u-todo', record: input('b.example.com', '192.0.2.9') }],
      creates: [input('c.example.com', '192.0.2.1'), input('c.example.com', '192.0.2.2')],
    };
    const live = [
      cf('still-there', 'old.example.com', '192.0.2.7'),
      cf('u-done', 'a.example.com', '192.0.2.9'),
      cf('u-todo', 'b.example.com', '192.0.2.8'),
      cf('new-1', 'c.example.com', '192.0.2.1'),
    ];
    const rest = remainingChunk(chunk, live);
    expect(rest.deletes).toEqual(['still-there']);
    expect(rest.updates.map((u) => u.id)).toEqual(['u-todo']);
    expect(rest.creates.map((c) => c.content)).toEqual(['192.0.2.2']);
  });
});
