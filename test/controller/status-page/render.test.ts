/** The status page's HTML for a fleet in every state, hostile strings included (pure rendering). */
import { describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../../src/controller/status-page/render.ts';
import { healthy, NOW, server } from './fixtures.ts';
import { validateStatus } from './schema.ts';

const render = (s: ReturnType<typeof healthy>) => renderStatusPage(s, { now: NOW });
/** The text of the <tr> rows of one section's table body. */
function rows(page: string, id: string): string[] {
  const section = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(page)?.[1] ?? '';
  return [...section.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((m) => m[1]!.split('</tr>').filter((r) => r.includes('<td')).map((r) => r.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()));
}

describe('status page', () => {
  it('healthy: the revision, the last reconcile, every row in sync and healthy, words beside colours', () => {
    const page = render(healthy());
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<meta http-equiv="refresh" content="30">');
    expect(page).toContain('a1b2c3d4e5f6');
    expect(page).toContain('web: two servers');
    expect(page).toContain('Ana Ops');
    expect(page).not.toContain('id="head"');
    expect(page).toContain('✓ in-sync');
    expect(page).toContain('0 to create, 0 to update, 0 to replace, 0 to delete');
    const servers = rows(page, 'servers');
    expect(servers).toHaveLength(2);
    expect(servers[0]).toContain('web-1 ewr vc2-1c-1gb 192.0.2.10 2001:db8::10 active/running/ok ● healthy ✓ in sync');
    expect(rows(page, 'dns')[0]).toContain('✓ web-1 ✓ web-2');
    expect(rows(page, 'snapshots')[0]).toContain('base complete 26 h ago 2 ✓ in sync');
    expect(rows(page, 'deployments')[0]).toContain('app web-1, web-2 not observed');
    expect(rows(page, 'events')).toHaveLength(1);
    expect(page).not.toMatch(/<script|https?:\/\/|src=/i);
  });

  it('drifted, with the branch head ahead of the applied commit', () => {
    const s = healthy([server('web-1', { sync: 'drifted', change: 'update plan in place' })]);
    s.head = { hash: 'ffffeeee00001111222233334444555566667777', subject: 'resize', author: 'Bo', date: new Date(NOW).toISOString() };
    s.fleet!.dns[0]!.sync = 'drifted';
    s.fleet!.dns[0]!.live = ['198.51.100.9'];
    s.fleet!.dns[0]!.targets = [{ server: 'web-1', inDns: false }];
    const page = render(s);
    expect(page).toContain('id="head"');
    expect(page).toContain('ffffeeee0000');
    expect(rows(page, 'servers')[0]).toContain('✗ drifted');
    expect(rows(page, 'servers')[0]).toContain('update plan in place');
    expect(rows(page, 'dns')[0]).toContain('198.51.100.9 ✗ web-1');
  });

  it('a failed reconcile: the stage, the message, the backoff and the changes not done', () => {
    const s = healthy();
    s.last = { trigger: 'commit', revision: 'bbbb', outcome: 'failed', at: new Date(NOW - 5000).toISOString(), ms: 12_300, failedStage: 'apply', message: 'vultr: 500', counts: { create: 1, update: 2, replace: 0, delete: 0 }, refusals: [], problems: [], changes: [{ id: 'Server/web-3#create', status: 'failed', error: 'plan not sold in ewr' }] };
    s.backoff = { revision: 'bbbbccccddddeeee', attempt: 3, retryAt: new Date(NOW + 40_000).toISOString() };
    const page = render(s);
    expect(page).toContain('✗ failed');
    expect(page).toContain('<code>apply</code>');
    expect(page).toContain('took 12.3 s');
    expect(page).toContain('1 to create, 2 to update');
    expect(page).toContain('Server/web-3#create</code> failed: plan not sold in ewr');
    expect(page).toMatch(/attempt 3; retry <time[^>]*>in 40 s<\/time>/);
  });

  it('a refused plan shows its numbers', () => {
    const s = healthy();
    s.last = { ...s.last!, outcome: 'refused', refusals: ['plan deletes 6 of 10 servers (60 %), above the limit of 30 %'] };
    s.refused = { revision: 'cccc0000', checksum: 'x' };
    const page = render(s);
    expect(page).toContain('⚠ refused');
    expect(page).toContain('plan deletes 6 of 10 servers (60 %), above the limit of 30 %');
    expect(page).toContain('nothing applied until the commit or the live state changes');
  });

  it('a rebuild in progress and one held back', () => {
    const s = healthy([server('web-1', { sync: 'pending', rebuild: { running: { since: new Date(NOW - 120_000).toISOString(), step: 'install' } } }), server('web-2', { rebuild: { held: 'fleet-limit', next: new Date(NOW + 3_600_000).toISOString() } })]);
    const [a, b] = rows(render(s), 'servers');
    expect(a).toContain('… pending ⟳ running step install since 2 min ago');
    expect(b).toContain('held: fleet-limit next in 60 min');
  });

  it('a target down: health, the target out of DNS, a server not live and notifier delivery errors', () => {
    const s = healthy([server('web-1', { health: 'down', state: 'active/stopped/ok' }), { name: 'web-2', region: 'ewr', plan: 'vc2-1c-1gb', health: 'down', sync: 'pending' }]);
    s.fleet!.dns[0]!.targets = [{ server: 'web-1', inDns: false }, { server: 'web-2', inDns: false }];
    s.events.unshift({ event: 'rebuild.failed', resource: 'Server/web-1', message: 'health check failed', key: {}, at: new Date(NOW).toISOString(), idempotencyKey: 'k2', deliveryErrors: ['[Notifier/pager] 503'] });
    const page = render(s);
    const [a, b] = rows(page, 'servers');
    expect(a).toContain('○ down');
    expect(b).toContain('web-2 ewr vc2-1c-1gb not observed not live ○ down … pending');
    expect(rows(page, 'dns')[0]).toContain('✗ web-1 ✗ web-2');
    const ev = rows(page, 'events');
    expect(ev[0]).toContain('rebuild.failed Server/web-1 health check failed ✗ [Notifier/pager] 503');
    expect(ev[1]).toContain('✓ no delivery errors');
  });

  it('nothing observed yet says so instead of showing empty tables', () => {
    const s = healthy();
    delete s.fleet;
    delete s.applied;
    delete s.last;
    const page = render(s);
    expect(page).toContain('nothing applied yet');
    expect(page).toContain('not observed yet: no reconcile has reached its observe stage');
    expect(page).not.toContain('id="servers"');
  });

  it('failover: each target of a record set with its health, since when and whether it is in DNS; valid against the schema', () => {
    const s = healthy();
    const d = s.fleet!.dns[0]!;
    const since = new Date(NOW - 120_000).toISOString();
    s.failover = [
      { key: `z/${d.name}/${d.type}`, fqdn: d.name, type: d.type as 'A', target: 'web-1', health: 'up', since, inDns: true, probes: 9 },
      { key: `z/${d.name}/${d.type}`, fqdn: d.name, type: d.type as 'A', target: 'web-2', health: 'down', since, inDns: false, probes: 9, lastWhy: 'connection refused' },
    ];
    const row = rows(render(s), 'dns')[0]!;
    expect(row).toContain('web-1 ● up since 2 min ago ✓ in DNS web-2 ○ down since 2 min ago ✗ out of DNS connection refused');
    expect(row).not.toContain('not observed');
    expect(validateStatus(JSON.parse(JSON.stringify(s))), JSON.stringify(validateStatus.errors)).toBe(true);
    expect(validateStatus({ ...s, failover: [{ ...s.failover[0], health: 'fine' }] })).toBe(false);
    delete s.failover;
    expect(rows(render(s), 'dns')[0]).toContain('not observed');
  });

  it('every fixture is valid against schemas/status.json, and the schema refuses a wrong one', () => {
    const s = healthy([server('web-1', { rebuild: { running: { since: new Date(NOW).toISOString() }, held: 'fleet-limit' } })]);
    s.backoff = { revision: 'b', attempt: 2, retryAt: new Date(NOW).toISOString() };
    expect(validateStatus(JSON.parse(JSON.stringify(s))), JSON.stringify(validateStatus.errors)).toBe(true);
    expect(validateStatus({ ...s, fleet: { ...s.fleet, servers: [{ ...server('x'), health: 'fine' }] } })).toBe(false);
  });

  it('hostile strings render as text, in content and in attributes', () => {
    const evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';
    const long = `srv-${'x'.repeat(5000)}`;
    const s = healthy([server(evil), server(long), server('сервер-東京-🚀')]);
    s.branch = `main"><script>b</script>`;
    s.applied!.subject = evil;
    s.applied!.hash = evil;
    s.fleet!.dns[0]!.comment = '<script>steal()</script>';
    s.fleet!.dns[0]!.name = `<b>x</b>.example.com`;
    s.fleet!.deployments[0]!.targets = [evil];
    s.events[0]!.message = evil;
    s.last!.refusals = [evil];
    s.sourceError = evil;
    const page = render(s);
    expect(page).not.toMatch(/<script|<img|<b>/i);
    expect(page).toContain(`title="${'&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;'}"`);
    expect(page).toContain('&lt;script&gt;steal()&lt;/script&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain(long);
    expect(page).toContain('сервер-東京-🚀');
    expect(page).toContain('<title>keelson · main&quot;&gt;&lt;script&gt;b&lt;/script&gt;</title>');
    // The only tags are the page's own.
    const tags = new Set([...page.matchAll(/<([a-z0-9]+)[\s>]/gi)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].filter((t) => !['html', 'head', 'meta', 'link', 'title', 'style', 'body', 'header', 'h1', 'h2', 'span', 'dl', 'dt', 'dd', 'p', 'code', 'time', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'strong', 'br', 'ul', 'li', 'footer', 'a'].includes(t))).toEqual([]);
  });
});
