/**
 * Fields that validate (they are part of the published schema and appear in the examples) but that
 * nothing in this version acts on yet. Validation warns on each use, so nobody relies on them by
 * accident. ONE table: when a later version lands a feature, delete its row
 * (and the README line "Accepted, not acted on yet" that names it).
 */
import type { Problem } from '../errors.ts';
import type { DocPath } from './parse-yaml.ts';
import { problemAt, type CheckedDocument } from './validate-schema.ts';

export interface NotActedOn {
  kind: 'Server' | 'Snapshot' | 'RegionPool' | 'DNSZone' | 'Deployment' | 'Notifier';
  /** Path inside the document; `*` stands for every item of a list. */
  path: readonly string[];
  /** For a list of strings: only the items this matches, and how the README names them. */
  matches?: { test: RegExp; shown: string };
  /** What the field asks for, and what will act on it. */
  what: string;
  waitsFor: string;
}

export const NOT_ACTED_ON: readonly NotActedOn[] = [
  {
    kind: 'Notifier', path: ['spec', 'events', '*'], matches: { test: /^destroy\./, shown: '`destroy.*`' },
    what: 'destroy events (no destroy sends one; rebuild events come from the controller\'s scheduled rebuilds, deploy events from deploys)', waitsFor: 'a later version',
  },
];

/** Every concrete path in `value` that `pattern` names (with the list items `*` stands for). */
function expand(value: unknown, pattern: readonly string[], at: DocPath = []): { path: DocPath; value: unknown }[] {
  if (pattern.length === 0) return [{ path: at, value }];
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === '*') return Array.isArray(value) ? value.flatMap((v, i) => expand(v, rest, [...at, i])) : [];
  if (!value || typeof value !== 'object' || Array.isArray(value) || !(head in value)) return [];
  return expand((value as Record<string, unknown>)[head], rest, [...at, head]);
}

/** One warning per use of a field in NOT_ACTED_ON, at the field. */
export function warnNotActedOn(checked: readonly CheckedDocument[], table: readonly NotActedOn[] = NOT_ACTED_ON): Problem[] {
  const out: Problem[] = [];
  for (const c of checked) {
    for (const row of table) {
      if (row.kind !== c.kind) continue;
      for (const hit of expand(c.raw.value, row.path)) {
        if (row.matches && !(typeof hit.value === 'string' && row.matches.test.test(hit.value))) continue;
        out.push(problemAt(c.raw, `${c.kind}/${c.name}`, hit.path, `accepted, not acted on by this version: ${row.what}; waits for ${row.waitsFor}`));
      }
    }
  }
  return out;
}

export const NOT_ACTED_ON_START = '<!-- not-acted-on:start -->';
export const NOT_ACTED_ON_END = '<!-- not-acted-on:end -->';

/** The README's list of these fields, generated from the table (`npm run docs`). */
export function renderNotActedOn(table: readonly NotActedOn[] = NOT_ACTED_ON): string {
  const rows = table.map((r) => `| ${r.kind} | \`${r.path.join('.').replace(/\.\*/g, '[]')}\`${r.matches ? ` = ${r.matches.shown}` : ''} | ${r.what} | ${r.waitsFor} |`);
  return ['| Kind | Field | What it asks for | Waits for |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
