/**
 * keelson's ownership markers are reserved: a user tag, label, record comment or snapshot
 * description that uses their syntax would be read back as keelson's own mark (`keelson:name=victim`
 * makes every apply replace the server; `keelson:owner=zzz` hands it to another owner). Pure.
 */
import { reservedMarkerIn } from '../model/ownership.ts';
import type { DocPath } from './parse-yaml.ts';
import type { RuleContext } from './rules-context.ts';
import { problemAt, type CheckedDocument } from './validate-schema.ts';

/** Every place a manifest's user text reaches a provider (or could be mistaken for a mark). */
function userTexts(doc: CheckedDocument): { path: DocPath; text: string }[] {
  const v = doc.raw.value as { metadata?: { labels?: Record<string, unknown> }; spec?: Record<string, unknown> };
  const out: { path: DocPath; text: string }[] = [];
  const add = (path: DocPath, text: unknown): void => {
    if (typeof text === 'string') out.push({ path, text });
  };
  for (const [k, val] of Object.entries(v.metadata?.labels ?? {})) add(['metadata', 'labels', k], val);
  const spec = v.spec ?? {};
  if (doc.kind === 'Server' && Array.isArray(spec.tags)) spec.tags.forEach((t, i) => add(['spec', 'tags', i], t));
  if (doc.kind === 'Snapshot') add(['spec', 'description'], spec.description);
  if (doc.kind === 'DNSZone' && Array.isArray(spec.records)) {
    spec.records.forEach((r: unknown, i) => add(['spec', 'records', i, 'comment'], (r as { comment?: unknown } | null)?.comment));
  }
  return out;
}

/** Refuses user text in keelson's marker syntax, naming the file, line, column and path of each. */
export function checkReservedMarkers(ctx: RuleContext, checked: CheckedDocument[]): void {
  for (const doc of checked) {
    for (const { path, text } of userTexts(doc)) {
      const why = reservedMarkerIn(text);
      if (why) ctx.problems.push(problemAt(doc.raw, `${doc.kind}/${doc.name}`, path, `${JSON.stringify(text)} uses keelson's reserved marker syntax (${why}); choose other text`));
    }
  }
}
