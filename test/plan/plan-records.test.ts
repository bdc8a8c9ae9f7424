import { describe, expect, it } from 'vitest';
import { formatRecordComment } from '../../src/model/ownership.ts';
import type { LiveRecord } from '../../src/model/live.ts';
import { live, liveRecord, liveServer, liveZone, manifests, server, zone, type RecordInput } from './builders.ts';
import { before, change, plan, runCase, type Case } from './table.ts';

const D = 'example.com';
const rec = (fqdn: string, type: string, content: string, over: Parameters<typeof liveRecord>[4] = {}) => liveRecord(D, fqdn, type, content, over);
const web = server('web-ewr');
const web2 = server('web-ams', { region: 'ams', labels: { role: 'web' } });
const webL = server('web-ewr', { labels: { role: 'web' } });

/** A normalization quirk: one desired record set and one live record that must not diff. */
const same = (name: string, input: RecordInput, l: LiveRecord): Case => ({ name, desired: manifests({ zones: [zone('example-com', D, [input])] }), live: live({ records: [l] }), expect: [] });

const cases: Case[] = [
  {
    name: 'a literal A record is created with the ownership marker in its comment',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'] }])] }), live: live(),
    expect: ['DNSRecord/www.example.com A 192.0.2.1#create'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.1#create').payload).toMatchObject({
      op: 'record.create', zoneId: 'zone-example.com', record: { fqdn: 'www.example.com', content: '192.0.2.1', comment: '[k:acme/example-com]', tags: [] },
    }),
  },
  same('a matching record means no change',
    { name: 'www', values: ['192.0.2.1'] }, rec('www.example.com', 'A', '192.0.2.1')),
  same('TTL 1 at the provider equals auto',
    { name: 'www', values: ['192.0.2.1'], ttl: 'auto' }, rec('www.example.com', 'A', '192.0.2.1', { ttl: 1 })),
  same('a proxied record ignores its TTL (Cloudflare forces auto)',
    { name: 'www', values: ['192.0.2.1'], ttl: 300, proxied: true }, rec('www.example.com', 'A', '192.0.2.1', { proxied: true, ttl: 'auto' })),
  same('proxied on a TXT record is meaningless and does not diff',
    { name: 'txt', type: 'TXT', values: ['hello'], proxied: true }, rec('txt.example.com', 'TXT', 'hello')),
  same('quoted TXT content at the provider equals the unquoted value',
    { name: '@', type: 'TXT', values: ['v=spf1 -all'] }, rec('example.com', 'TXT', '"v=spf1 -all"')),
  same('CNAME target case and trailing dot do not diff',
    { name: 'docs', type: 'CNAME', values: ['Pages.Example.NET.'] }, rec('docs.example.com', 'CNAME', 'pages.example.net')),
  same('a full name with a trailing dot equals the relative name',
    { name: 'WWW.example.com.', values: ['192.0.2.1'] }, rec('www.example.com', 'A', '192.0.2.1')),
  same('IPv6 in a long form equals the canonical form',
    { name: 'www', type: 'AAAA', values: ['2001:0DB8:0000:0000:0000:0000:0000:0001'] }, rec('www.example.com', 'AAAA', '2001:db8::1')),
  same('MX priority written inside the value equals the priority field',
    { name: '@', type: 'MX', values: ['10 mx.example.net.'] }, rec('example.com', 'MX', 'mx.example.net', { priority: 10 })),
  {
    name: 'an MX priority change is an update', desired: manifests({ zones: [zone('example-com', D, [{ name: '@', type: 'MX', values: ['mx.example.net'], priority: 20 }])] }),
    live: live({ records: [rec('example.com', 'MX', 'mx.example.net', { priority: 10 })] }), expect: ['DNSRecord/example.com MX mx.example.net#update'],
  },
  {
    name: 'a TTL change is an update in place', desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'], ttl: 300 }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1')] }), expect: ['DNSRecord/www.example.com A 192.0.2.1#update'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.1#update').fields).toEqual([{ field: 'ttl', from: 'auto', to: 300 }]),
  },
  {
    name: 'a user comment change is an update; the marker is never part of the compare',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'], comment: 'front door' }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1', { comment: formatRecordComment('old note', { owner: 'acme', name: 'example-com' }) })] }),
    expect: ['DNSRecord/www.example.com A 192.0.2.1#update'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.1#update').fields).toEqual([{ field: 'comment', from: 'old note', to: 'front door' }]),
  },
  {
    name: 'a changed value with equal counts is an in-place content update, not delete+create',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.2'] }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1')] }), expect: ['DNSRecord/www.example.com A 192.0.2.1#update'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.1#update').reason).toMatch(/point www.example.com A at 192.0.2.2/),
  },
  {
    name: 'values compare as sets: one kept, one added, one removed after the add',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1', '192.0.2.3', '192.0.2.4'] }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1'), rec('www.example.com', 'A', '192.0.2.2')] }),
    expect: ['DNSRecord/www.example.com A 192.0.2.4#create', 'DNSRecord/www.example.com A 192.0.2.2#update'],
  },
  {
    name: 'fewer values: the surplus is deleted after the set\'s other changes',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.9'] }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1'), rec('www.example.com', 'A', '192.0.2.2')] }),
    expect: ['DNSRecord/www.example.com A 192.0.2.1#update', 'DNSRecord/www.example.com A 192.0.2.2#delete'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.2#delete').dependsOn).toEqual(['DNSRecord/www.example.com A 192.0.2.1#update']),
  },
  {
    name: 'a record set removed from the manifests is deleted and guarded as the last address',
    desired: manifests({ zones: [zone('example-com', D, [])] }), live: live({ records: [rec('old.example.com', 'A', '192.0.2.1')] }),
    expect: ['DNSRecord/old.example.com A 192.0.2.1#delete'],
    check: (p) => expect(change(p, 'DNSRecord/old.example.com A 192.0.2.1#delete').guard).toEqual({ fqdn: 'old.example.com', intent: 'removed' }),
  },
  {
    name: 'an unowned record at the same name is reported and untouched',
    desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'] }])] }),
    live: live({ records: [rec('www.example.com', 'A', '192.0.2.1'), rec('www.example.com', 'A', '198.51.100.1', { owner: null })] }), expect: [],
    check: (p) => expect(p.unmanaged.filter((u) => u.kind === 'DNSRecord').map((u) => u.name)).toEqual(['www.example.com A 198.51.100.1']),
  },
  {
    name: 'a record owned by another keelson is never deleted', desired: manifests({ zones: [zone('example-com', D, [])] }),
    live: live({ records: [rec('x.example.com', 'A', '192.0.2.1', { owner: 'other' })] }), expect: [],
  },
  {
    name: 'ownership read from a raw comment when the provider did not parse it',
    desired: manifests({ zones: [zone('example-com', D, [])] }),
    live: live({ records: [{ ...rec('x.example.com', 'A', '192.0.2.1'), ownership: undefined, comment: 'hi [k:acme]' }] }),
    expect: ['DNSRecord/x.example.com A 192.0.2.1#delete'],
  },
  {
    name: 'paid zones also get ownership tags', desired: manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'] }])] }),
    live: live({ zones: [liveZone(D, { plan: 'pro' })] }), expect: ['DNSRecord/www.example.com A 192.0.2.1#create'],
    check: (p) => expect(change(p, 'DNSRecord/www.example.com A 192.0.2.1#create').payload).toMatchObject({ record: { tags: ['keelson-owner:acme', 'keelson-name:example-com'] } }),
  },
  {
    name: 'a record targeting a live server holds its address',
    desired: manifests({ servers: [web], zones: [zone('example-com', D, [{ name: 'www', servers: ['web-ewr'] }])] }),
    live: live({ servers: [liveServer(web)], records: [rec('www.example.com', 'A', '192.0.2.10')] }), expect: [],
  },
  {
    name: 'a record targeting a new server is a reference resolved at apply time, after the create',
    desired: manifests({ servers: [web], zones: [zone('example-com', D, [{ name: 'www', servers: ['web-ewr'] }])] }), live: live(),
    expect: ['Server/web-ewr#create', 'DNSRecord/www.example.com A {web-ewr.ipv4}#create'],
    check: (p) => {
      const c = change(p, 'DNSRecord/www.example.com A {web-ewr.ipv4}#create');
      expect(c.dependsOn).toEqual(['Server/web-ewr#create']);
      expect(c.payload).toMatchObject({ record: { content: { server: 'web-ewr', family: 4 } } });
    },
  },
  {
    name: 'a server selector expands to the matching servers',
    desired: manifests({ servers: [webL, web2], zones: [zone('example-com', D, [{ name: 'www', serverSelector: { matchLabels: { role: 'web' } } }])] }),
    live: live({ servers: [liveServer(webL), liveServer(web2, { ipv4: '192.0.2.20' })], records: [rec('www.example.com', 'A', '192.0.2.10')] }),
    expect: ['DNSRecord/www.example.com A 192.0.2.20#create'],
  },
  {
    name: 'AAAA follows the server\'s IPv6 in canonical form',
    desired: manifests({ servers: [server('web-ewr', { enableIpv6: true })], zones: [zone('example-com', D, [{ name: 'www', type: 'AAAA', servers: ['web-ewr'] }])] }),
    live: live({ servers: [liveServer(server('web-ewr', { enableIpv6: true }), { ipv6: '2001:DB8:0:0::10' })], records: [rec('www.example.com', 'AAAA', '2001:db8::10')] }),
    expect: [],
  },
];

describe('planChanges: records', () => {
  for (const c of cases) it(c.name, () => runCase(c));

  it('a value an unowned record already holds is a problem, not a doomed create', () => {
    const p = plan(manifests({ zones: [zone('example-com', D, [{ name: 'www', values: ['192.0.2.1'] }])] }), live({ records: [rec('www.example.com', 'A', '192.0.2.1', { owner: null })] }));
    expect(p.problems.map((x) => x.message).join()).toMatch(/already exists in the zone without acme's marker/);
  });

  it('an unmanaged record pointing at a server this plan deletes is a warning', () => {
    const p = plan(manifests({ zones: [zone('example-com', D, [])] }), live({ servers: [liveServer(web)], records: [rec('manual.example.com', 'A', '192.0.2.10', { owner: null })] }));
    expect(p.warnings).toEqual(['[Server/web-ewr] unmanaged record manual.example.com A 192.0.2.10 points at server srv-web-ewr, which this plan deletes']);
  });

  it('a zone missing at the provider is a problem naming the file', () => {
    const p = plan(manifests({ zones: [zone('other-org', 'other.org', [])] }), live());
    expect(p.problems[0]).toMatchObject({ file: 'manifests/dns.yaml', line: 1, path: '/spec/zone' });
  });

  it('a replaced server: new server first, then the record moves in place, then the old server goes', () => {
    const moved = server('web-ewr', { region: 'ams' });
    const p = plan(
      manifests({ servers: [moved], zones: [zone('example-com', D, [{ name: 'www', servers: ['web-ewr'] }])] }),
      live({ servers: [liveServer(web)], records: [rec('www.example.com', 'A', '192.0.2.10')] }),
    );
    const move = 'DNSRecord/www.example.com A 192.0.2.10#update';
    expect(p.changes.map((c) => c.id)).toEqual(['Server/web-ewr#replace', move, 'Server/web-ewr#replace-destroy']);
    expect(change(p, move).dependsOn).toEqual(['Server/web-ewr#replace']);
    expect(change(p, 'Server/web-ewr#replace-destroy').dependsOn).toEqual([move, 'Server/web-ewr#replace']);
    expect(before(p, move, 'Server/web-ewr#replace-destroy')).toBe(true);
  });

  it('a set targeting a server that resolves to nothing guards its last record as emptied', () => {
    const p = plan(
      manifests({ zones: [zone('example-com', D, [{ name: 'www', serverSelector: { matchLabels: { role: 'none' } } }])] }),
      live({ records: [rec('www.example.com', 'A', '192.0.2.10')] }),
    );
    expect(change(p, 'DNSRecord/www.example.com A 192.0.2.10#delete').guard).toEqual({ fqdn: 'www.example.com', intent: 'emptied' });
  });
});
