/**
 * The plan as markdown for a pull-request comment: the counts as a heading, a summary table, then
 * the full text rendering inside a collapsible block. No secrets (the text renderer shows digests).
 */
import { countsLine, inProgressLines, renderChange, SYMBOL } from './render-text.ts';
import type { Plan } from './types.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanMarkdown(plan: Plan): string {
  const out = [`### keelson plan — ${countsLine(plan).replace(/^Plan: /, '')}`, ''];
  out.push(`Owner \`${plan.owner}\`${plan.revision ? ` at \`${plan.revision}\`` : ''}, checksum \`${plan.checksum.slice(0, 12)}\`.`, '');
  const shown = plan.changes.filter((c) => c.phase !== 'destroy-old');
  const busy = inProgressLines(plan);
  if (busy.length) out.push('**In progress (a run was interrupted):**', '', ...busy.map((l) => `- ${cell(l)}`), '');
  if (shown.length === 0 && busy.length === 0) out.push('No changes: the live state matches the manifests.', '');
  else {
    out.push('| | Action | Kind | Name | Reason |', '|---|---|---|---|---|');
    for (const c of shown) out.push(`| \`${SYMBOL[c.action]}\` | ${c.action} | ${c.kind} | \`${cell(c.name)}\` | ${cell(c.reason)} |`);
    out.push('');
  }
  if (plan.problems.length) {
    out.push('**Problems (the plan cannot be applied):**', '', ...plan.problems.map((p) => `- \`${p.file}:${p.line}\` ${cell(p.message)}`), '');
  }
  if (plan.warnings.length) out.push('**Warnings:**', '', ...plan.warnings.map((w) => `- ${cell(w)}`), '');
  if (shown.length) {
    out.push('<details><summary>Details</summary>', '', '```diff');
    for (const c of shown) out.push(...renderChange(c, plan), '');
    out.push('```', '', '</details>', '');
  }
  if (plan.unmanaged.length) {
    out.push(`<details><summary>Unmanaged resources (${plan.unmanaged.length}, never changed)</summary>`, '');
    for (const u of plan.unmanaged) out.push(`- ${u.kind} \`${cell(u.name)}\`: ${u.reason}`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}`;
}
