import type { Problem } from '../errors.ts';
import type { ManifestDoc, ManifestKind, Manifests, ProjectConfig, Selector, ServerDoc } from '../model/types.ts';
import type { DocPath, RawDocument } from './parse-yaml.ts';
import { problemAt } from './validate-schema.ts';

/** What the cross-document rules see, and where they put what they find. */
export interface RuleContext {
  manifests: Manifests;
  project: ProjectConfig;
  /** Every name declared per kind, including documents that failed their schema (so they do not read as dangling). */
  declared: Map<ManifestKind, Set<string>>;
  origin: Map<ManifestDoc, RawDocument>;
  /** Whether any declared server matches a selector. */
  anyServerMatches: (selector: Selector) => boolean;
  problems: Problem[];
  warnings: Problem[];
}

export const resourceName = (doc: ManifestDoc): string => `${doc.kind}/${doc.metadata.name}`;

/** Records a problem (or a warning) at `path` inside `doc`. */
export function report(ctx: RuleContext, doc: ManifestDoc, path: DocPath, message: string, level: 'error' | 'warning' = 'error'): void {
  const raw = ctx.origin.get(doc);
  const p: Problem = raw
    ? problemAt(raw, resourceName(doc), path, message)
    : { ...doc.source, path: '', resource: resourceName(doc), message };
  (level === 'error' ? ctx.problems : ctx.warnings).push(p);
}

/** Reports `name` when no document of `kind` declares it. Returns whether it exists. */
export function requireRef(ctx: RuleContext, doc: ManifestDoc, path: DocPath, kind: ManifestKind, name: string): boolean {
  if (ctx.declared.get(kind)?.has(name)) return true;
  const known = [...(ctx.declared.get(kind) ?? [])];
  const hint = known.length === 0 ? `no ${kind} is declared` : `known: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', ...' : ''}`;
  report(ctx, doc, path, `${kind} "${name}" does not exist (${hint})`);
  return false;
}

/**
 * A test for "does any server carry every label of this selector?", indexed once by label so that
 * thousands of selectors do not each scan every server.
 */
export function serverSelectorTest(servers: Iterable<ServerDoc>): (selector: Selector) => boolean {
  const byLabel = new Map<string, ServerDoc[]>();
  let any = false;
  for (const s of servers) {
    any = true;
    for (const [k, v] of Object.entries(s.metadata.labels)) {
      const key = `${k}=${v}`;
      const list = byLabel.get(key);
      if (list) list.push(s);
      else byLabel.set(key, [s]);
    }
  }
  return (selector) => {
    const want = Object.entries(selector.matchLabels);
    if (want.length === 0) return any;
    let fewest: ServerDoc[] | undefined;
    for (const [k, v] of want) {
      const list = byLabel.get(`${k}=${v}`);
      if (!list) return false;
      if (!fewest || list.length < fewest.length) fewest = list;
    }
    return (fewest as ServerDoc[]).some((s) => want.every(([k, v]) => s.metadata.labels[k] === v));
  };
}

/** Where a document sits, for messages that point at a second place ("also declared at …"). */
export const whereIs = (doc: ManifestDoc): string => `${doc.source.file}:${doc.source.line}`;

/** The value the manifest itself wrote at `path` (undefined when the field was left out and filled by a default). */
export function rawAt(ctx: RuleContext, doc: ManifestDoc, path: DocPath): unknown {
  let v: unknown = ctx.origin.get(doc)?.value;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(seg)] : undefined;
  return v;
}
