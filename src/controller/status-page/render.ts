/**
 * The status page: a pure function from a StatusSnapshot to one HTML document. Server-rendered, one
 * inline stylesheet, no script (a `<meta http-equiv="refresh">` reloads it), every untrusted string
 * escaped. Each status word carries a symbol and a word besides its colour, so it reads without colour.
 */
import type { TargetStatus } from '../../failover/index.ts';
import type { LastReconcile, StatusSnapshot } from '../options.ts';
import { h, raw, type Safe } from './escape.ts';
import type { DnsRow, FleetView, Health, ServerRow, SyncStatus } from './fleet.ts';
import { STYLESHEET } from './style.ts';

export interface RenderOptions {
  /** For ages ("3 min ago"); default: the snapshot's `generatedAt` (the controller's clock). */
  now?: number;
  /** Seconds between reloads; 0 turns the refresh off. */
  refreshSeconds?: number;
}

const NOT_OBSERVED = h`<span class="muted">not observed</span>`;

const SYNC: Record<SyncStatus, [string, string]> = { 'in-sync': ['ok', '✓ in sync'], drifted: ['bad', '✗ drifted'], pending: ['warn', '… pending'] };
const HEALTH: Record<Health, [string, string]> = { healthy: ['ok', '● healthy'], degraded: ['warn', '◐ degraded'], down: ['bad', '○ down'] };

function badge([cls, text]: [string, string]): Safe {
  return h`<span class="badge ${raw(cls)}">${text}</span>`;
}

/** "42 s ago", "5 min ago", "3 h ago", "2 d ago" (or "in …" for the future), with the exact time in a title. */
export function age(iso: string, now: number): Safe {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return h`${iso}`;
  const d = Math.round((now - t) / 1000);
  const a = Math.abs(d);
  const text = a < 90 ? `${a} s` : a < 5400 ? `${Math.round(a / 60)} min` : a < 172_800 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86_400)} d`;
  return h`<time datetime="${iso}" title="${iso}">${d >= 0 ? `${text} ago` : `in ${text}`}</time>`;
}

/** One row. The narrow-screen labels of its cells come from the stylesheet (`LABELS`), not from each cell: a 1,000-row page stays small. */
function cells(values: Safe[]): Safe {
  return h`<tr>${values.map((v) => h`<td>${v}</td>`)}</tr>`;
}

function table(id: string, title: string, labels: string[], rows: Safe[], empty: string): Safe {
  const body = rows.length ? rows : [h`<tr><td colspan="${labels.length}" class="muted">${empty}</td></tr>`];
  return h`<section id="${id}"><h2>${title} <span class="muted">(${rows.length})</span></h2><table><thead><tr>${labels.map((l) => h`<th>${l}</th>`)}</tr></thead><tbody>${body}</tbody></table></section>`;
}

function commit(c: { hash: string; subject: string; author: string; date: string }, now: number): Safe {
  return h`<code title="${c.hash}">${c.hash.slice(0, 12)}</code> ${c.subject} <span class="muted">— ${c.author}, ${age(c.date, now)}</span>`;
}

function header(s: StatusSnapshot, now: number): Safe {
  const headDiffers = s.head && s.head.hash !== s.applied?.hash;
  return h`<header><h1>keelson <span class="muted">· ${s.branch}</span></h1><dl>
<dt>Applied</dt><dd id="applied">${s.applied ? h`${commit(s.applied, now)} <span class="muted">(applied ${age(s.applied.at, now)})</span>` : h`<span class="muted">nothing applied yet</span>`}</dd>
${headDiffers && s.head ? h`<dt>Branch head</dt><dd id="head">${commit(s.head, now)} <span class="badge warn">… not applied</span></dd>` : ''}
<dt>Loop</dt><dd>${s.ready ? 'ready' : 'starting'}${s.lastTick ? h`, last tick ${age(s.lastTick, now)}` : ''}</dd>
</dl>
${s.sourceError ? h`<p class="banner bad" role="alert">✗ git source failing: ${s.sourceError}</p>` : ''}
${s.backoff ? h`<p class="banner bad" role="alert">✗ reconcile of <code>${s.backoff.revision.slice(0, 12)}</code> failed, attempt ${s.backoff.attempt}; retry ${age(s.backoff.retryAt, now)}</p>` : ''}
${s.refused ? h`<p class="banner warn" role="alert">⚠ plan of <code>${s.refused.revision.slice(0, 12)}</code> refused; nothing applied until the commit or the live state changes</p>` : ''}
</header>`;
}

const OUTCOME_CLASS: Record<string, string> = { applied: 'ok', 'in-sync': 'ok', planned: 'warn', refused: 'warn', cancelled: 'warn', failed: 'bad', invalid: 'bad' };

function lastReconcile(l: LastReconcile | undefined, now: number): Safe {
  if (!l) return h`<section id="reconcile"><h2>Last reconcile</h2><p class="muted">none yet</p></section>`;
  const cls = OUTCOME_CLASS[l.outcome] ?? 'warn';
  const mark = cls === 'ok' ? '✓' : cls === 'bad' ? '✗' : '⚠';
  const c = l.counts;
  const failed = l.changes.filter((x) => x.status !== 'done');
  return h`<section id="reconcile"><h2>Last reconcile</h2><dl>
<dt>Result</dt><dd><span class="badge ${raw(cls)}">${mark} ${l.outcome}</span>${l.failedStage ? h` at stage <code>${l.failedStage}</code>` : ''}</dd>
<dt>When</dt><dd>${age(l.at, now)}, took ${(l.ms / 1000).toFixed(1)} s (${l.trigger})${l.revision ? h` at <code>${l.revision.slice(0, 12)}</code>` : ''}</dd>
<dt>Plan</dt><dd>${c ? `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete` : h`<span class="muted">no plan</span>`}</dd>
${l.message ? h`<dt>Message</dt><dd>${l.message}</dd>` : ''}
${l.refusals.length ? h`<dt>Refused</dt><dd><ul>${l.refusals.map((r) => h`<li>${r}</li>`)}</ul></dd>` : ''}
${l.problems.length ? h`<dt>Problems</dt><dd><ul>${l.problems.map((p) => h`<li>${p}</li>`)}</ul></dd>` : ''}
${failed.length ? h`<dt>Not done</dt><dd><ul>${failed.map((x) => h`<li><code>${x.id}</code> ${x.status}${x.error ? h`: ${x.error}` : ''}</li>`)}</ul></dd>` : ''}
</dl></section>`;
}

function rebuildCell(r: ServerRow['rebuild'], now: number): Safe {
  if (!r) return h`<span class="muted">—</span>`;
  return h`${r.running ? h`<span class="badge warn">⟳ running</span>${r.running.step ? h` step ${r.running.step}` : ''} since ${age(r.running.since, now)}` : ''}${r.held ? h` <span class="badge warn">held: ${r.held}</span>` : ''}${r.next ? h` next ${age(r.next, now)}` : ''}`;
}

const SERVER_COLS = ['Server', 'Region', 'Plan', 'Addresses', 'State', 'Health', 'Sync', 'Rebuild', 'Bandwidth'];

function serverRow(s: ServerRow, now: number): Safe {
  const addrs = s.ipv4 || s.ipv6 ? h`${[s.ipv4, s.ipv6].filter(Boolean).map((a) => h`<code>${a}</code> `)}` : NOT_OBSERVED;
  return cells([
    h`<strong>${s.name}</strong>${s.change ? h`<br><span class="muted">${s.change}</span>` : ''}`, h`${s.region}`, h`${s.plan}`, addrs,
    s.state ? h`${s.state}` : h`<span class="muted">not live</span>`, badge(HEALTH[s.health]), badge(SYNC[s.sync]),
    rebuildCell(s.rebuild, now), s.bandwidth ? h`${NOT_OBSERVED} of ${s.bandwidth.limitGB} GB` : h`<span class="muted">no limit set</span>`,
  ]);
}

const DNS_COLS = ['Name', 'Type', 'Declared', 'In DNS', 'Targets', 'Failover', 'Sync'];

const PROBED: Record<TargetStatus['health'], [string, string]> = { up: ['ok', '● up'], down: ['bad', '○ down'], unknown: ['warn', '? not probed yet'] };

/** One record set's failover targets: health, since when, in DNS or held out; "no failover" without a policy. */
function failoverCell(d: DnsRow, targets: readonly TargetStatus[] | undefined, now: number): Safe {
  const mine = (targets ?? []).filter((t) => t.fqdn === d.name && t.type === d.type);
  if (!targets) return NOT_OBSERVED;
  if (mine.length === 0) return h`<span class="muted">no failover</span>`;
  return h`${mine.map((t) => h`<div>${t.target} ${badge(PROBED[t.health])} since ${age(t.since, now)} ${t.inDns ? h`<span class="ok">✓ in DNS</span>` : h`<span class="bad">✗ out of DNS</span>`}${t.lastWhy ? h`<br><span class="muted">${t.lastWhy}</span>` : ''}</div>`)}`;
}

function dnsRow(d: DnsRow, targets: readonly TargetStatus[] | undefined, now: number): Safe {
  return cells([
    h`<strong>${d.name}</strong>${d.comment ? h`<br><span class="muted">${d.comment}</span>` : ''}`, h`${d.type}`,
    h`${d.declared.map((v) => h`<code>${v}</code> `)}`,
    d.live.length ? h`${d.live.map((v) => h`<code>${v}</code> `)}` : h`<span class="muted">none</span>`,
    d.targets.length ? h`${d.targets.map((t) => h`<span class="badge ${raw(t.inDns ? 'ok' : 'bad')}">${t.inDns ? '✓' : '✗'} ${t.server}</span> `)}` : h`<span class="muted">—</span>`,
    failoverCell(d, targets, now), h`${badge(SYNC[d.sync])}${d.change ? h`<br><span class="muted">${d.change}</span>` : ''}`,
  ]);
}

function fleetTables(f: FleetView | undefined, targets: readonly TargetStatus[] | undefined, now: number): Safe {
  if (!f) return h`<section id="fleet"><h2>Fleet</h2><p class="muted">not observed yet: no reconcile has reached its observe stage</p></section>`;
  return h`<p class="muted">Fleet as observed ${age(f.observedAt, now)}${f.revision ? h` for <code>${f.revision.slice(0, 12)}</code>` : ''}.</p>
${table('servers', 'Servers', SERVER_COLS, f.servers.map((s) => serverRow(s, now)), 'no servers declared')}
${table('dns', 'DNS names', DNS_COLS, f.dns.map((d) => dnsRow(d, targets, now)), 'no DNS records declared')}
${table('deployments', 'Deployments', ['Deployment', 'Targets', 'Version per host'], f.deployments.map((d) => cells([h`<strong>${d.name}</strong>`, h`${d.targets.join(', ')}`, NOT_OBSERVED])), 'no deployments declared')}
${table('snapshots', 'Snapshots', ['Snapshot', 'State', 'Age', 'Kept', 'Sync'], f.snapshots.map((s) => cells([h`<strong>${s.name}</strong>`, s.state ? h`${s.state}` : h`<span class="muted">none live</span>`, s.createdAt ? age(s.createdAt, now) : h`—`, h`${s.count}`, badge(SYNC[s.sync])])), 'no snapshots declared')}`;
}

function events(s: StatusSnapshot, now: number): Safe {
  const cols = ['When', 'Event', 'Resource', 'Message', 'Notifiers'];
  return table('events', 'Events', cols, s.events.slice(0, 50).map((e) => cells([
    age(e.at, now), h`<code>${e.event}</code>`, h`${e.resource}`, h`${e.message}`,
    e.deliveryErrors.length ? h`<span class="bad">✗ ${e.deliveryErrors.join('; ')}</span>` : h`<span class="ok">✓ no delivery errors</span>`,
  ])), 'no events yet');
}

const TABLES: [string, string[]][] = [
  ['servers', SERVER_COLS], ['dns', DNS_COLS], ['deployments', ['Deployment', 'Targets', 'Version per host']],
  ['snapshots', ['Snapshot', 'State', 'Age', 'Kept', 'Sync']], ['events', ['When', 'Event', 'Resource', 'Message', 'Notifiers']],
];
/** Per-column labels for the stacked narrow-screen layout (our own constant strings, no user text). */
const LABELS = `@media (max-width:700px){${TABLES.map(([id, cols]) => cols.map((c, i) => `#${id} td:nth-child(${i + 1})::before{content:"${c}: "}`).join('')).join('')}}`;

/** The whole page. */
export function renderStatusPage(s: StatusSnapshot, opts: RenderOptions = {}): string {
  const refresh = opts.refreshSeconds ?? 30;
  const now = opts.now ?? Date.parse(s.generatedAt);
  return `<!doctype html>
${h`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
${refresh > 0 ? h`<meta http-equiv="refresh" content="${refresh}">` : ''}<title>keelson · ${s.branch}</title><style>${raw(STYLESHEET + LABELS)}</style></head>
<body>${header(s, now)}${lastReconcile(s.last, now)}${fleetTables(s.fleet, s.failover, now)}${events(s, now)}
<footer class="muted"><p>Read-only. The same data as JSON: <a href="api/status">/api/status</a>.</p></footer></body></html>`.safe}
`;
}
