/**
 * The plan for a terminal: one block per change (`+` create, `~` update, `-/+` replace, `-`
 * destroy), field diffs (a line diff for long values), then the counts line. Colours only when the
 * caller asks (the CLI decides from TTY and NO_COLOR). Sensitive fields show a digest.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import type { Change, ChangeAction, FieldChange, Plan } from './types.ts';

export interface TextOptions {
  color?: boolean;
}

export const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };
const COLOR: Record<ChangeAction, string> = { create: '32', update: '33', replace: '35', delete: '31' };
const LONG = 60;

type Paint = (code: string, s: string) => string;
const painter = (on: boolean): Paint => (on ? (code, s) => `\u001b[${code}m${s}\u001b[0m` : (_c, s) => s);

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  return JSON.stringify(v);
}

function isLong(v: unknown): v is string {
  return typeof v === 'string' && (v.length > LONG || v.includes('\n'));
}

function longDiff(from: string, to: string, paint: Paint, indent: string): string[] {
  const parts = from.includes('\n') || to.includes('\n') ? diffLines(from, to) : diffWordsWithSpace(from, to);
  const out: string[] = [];
  for (const p of parts) {
    const mark = p.added ? '+' : p.removed ? '-' : ' ';
    for (const line of p.value.replace(/\n$/, '').split('\n')) {
      const text = `${indent}${mark} ${line}`;
      out.push(p.added ? paint('32', text) : p.removed ? paint('31', text) : text);
    }
  }
  return out;
}

/** Lines for one field change. */
export function renderField(f: FieldChange, paint: Paint = painter(false), indent = '      '): string[] {
  const tail = f.forcesReplace ? paint('35', '  # forces replacement') : '';
  if (f.sensitive) return [`${indent}${f.field}: (sensitive)${tail}`];
  if (f.from !== undefined && f.to !== undefined && (isLong(f.from) || isLong(f.to))) {
    return [`${indent}${f.field}:${tail}`, ...longDiff(String(f.from), String(f.to), paint, `${indent}  `)];
  }
  if (f.from === undefined) return [`${indent}${f.field}: ${show(f.to)}${tail}`];
  if (f.to === undefined) return [`${indent}${f.field}: ${show(f.from)} → (removed)${tail}`];
  return [`${indent}${f.field}: ${show(f.from)} → ${show(f.to)}${tail}`];
}

/** Lines for one change (a replace's destroy-old phase is folded into its create-new block). */
export function renderChange(c: Change, plan: Plan, paint: Paint = painter(false)): string[] {
  if (c.phase === 'destroy-old') return [];
  const sym = SYMBOL[c.action];
  const head = `${paint(COLOR[c.action], `${sym.padStart(3)} ${c.kind}/${c.name}`)}${c.source ? `  (${c.source})` : ''}`;
  const lines = [head, `      # ${c.reason}`, ...c.fields.map((f) => renderField(f, paint)).flat()];
  if (c.action === 'replace') {
    const old = plan.changes.find((o) => o.phase === 'destroy-old' && o.name === c.name && o.kind === c.kind);
    const moves = old ? old.dependsOn.filter((d) => d.startsWith('DNSRecord/')).length : 0;
    lines.push(`      # then: ${moves ? `${moves} record change(s) move to the new server, ` : ''}the old server is destroyed`);
  }
  if (c.protected) lines.push(paint('31', '      # protected: safety refuses to replace or delete it'));
  if (c.guard) lines.push(paint('31', `      # last address record of ${c.guard.fqdn}`));
  return lines;
}

/** The counts line, e.g. "Plan: 2 to create, 1 to update, 1 to replace, 0 to destroy." */
export function countsLine(plan: Plan): string {
  const n = plan.counts;
  const busy = plan.inProgress?.length ?? 0;
  return `Plan: ${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to destroy.${busy ? ` ${busy} in progress (apply finishes first).` : ''}`;
}

/** One line per piece of half-done work, e.g. `Server/box-0: rebuild in progress (new-id replacing old-id)`. */
export function inProgressLines(plan: Plan): string[] {
  return (plan.inProgress ?? []).map((w) => `${w.kind}/${w.name}: ${w.workflow} in progress (${w.to} replacing ${w.from}); apply finishes it before anything else`);
}

export function renderPlanText(plan: Plan, options: TextOptions = {}): string {
  const paint = painter(Boolean(options.color));
  const out: string[] = [`keelson plan for owner ${plan.owner}${plan.revision ? ` at ${plan.revision}` : ''} (checksum ${plan.checksum.slice(0, 12)})`, ''];
  const busy = inProgressLines(plan);
  if (plan.changes.length === 0 && busy.length === 0) out.push('No changes. The live state matches the manifests.', '');
  if (busy.length) out.push(paint('33', 'In progress (a run was interrupted):'), ...busy.map((l) => `  >> ${l}`), '');
  for (const c of plan.changes) {
    const lines = renderChange(c, plan, paint);
    if (lines.length) out.push(...lines, '');
  }
  if (plan.unmanaged.length) {
    out.push(`Unmanaged (seen, never changed): ${plan.unmanaged.length}`);
    for (const u of plan.unmanaged) out.push(`  ${u.kind} ${u.name} [${u.id}]: ${u.reason}`);
    out.push('');
  }
  if (plan.warnings.length) out.push('Warnings:', ...plan.warnings.map((w) => `  ${w}`), '');
  if (plan.problems.length) {
    out.push(paint('31', 'Problems (the plan cannot be applied):'), ...plan.problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.resource ?? ''} ${p.path}: ${p.message}`), '');
  }
  out.push(countsLine(plan));
  return `${out.join('\n')}\n`;
}
