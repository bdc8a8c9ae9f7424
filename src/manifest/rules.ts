/**
 * Step 3 of validation: rules across documents. Pure; every problem is collected, none thrown.
 */
import type { Problem } from '../errors.ts';
import { MANIFEST_KINDS } from '../model/schemas/build.ts';
import type { ManifestKind, ProjectConfig } from '../model/types.ts';
import type { Normalized } from './normalize.ts';
import type { RawDocument } from './parse-yaml.ts';
import { serverSelectorTest, type RuleContext } from './rules-context.ts';
import { checkDns } from './rules-dns.ts';
import { warnNotActedOn } from './not-acted-on.ts';
import { checkDeployments, checkServers } from './rules-refs.ts';
import { checkReservedMarkers } from './rules-reserved.ts';
import { problemAt, type CheckedDocument } from './validate-schema.ts';

export interface RuleInput {
  checked: CheckedDocument[];
  normalized: Normalized;
  project: ProjectConfig;
  /** Names per kind of every document read (see `declaredNames`). */
  declared: Map<ManifestKind, Set<string>>;
}

/**
 * Unique names per kind, references that resolve, no image cycles, regions inside their pools,
 * one owner per DNS name and type, record options that fit the type, distinct deploy slots, and no
 * user text in keelson's marker syntax.
 */
export function checkRules(input: RuleInput): { problems: Problem[]; warnings: Problem[] } {
  const ctx: RuleContext = {
    manifests: input.normalized.manifests,
    project: input.project,
    declared: input.declared,
    origin: input.normalized.origin,
    anyServerMatches: serverSelectorTest(input.normalized.manifests.servers.values()),
    problems: [],
    warnings: [],
  };
  checkUniqueNames(ctx, input.checked);
  checkReservedMarkers(ctx, input.checked);
  checkServers(ctx);
  checkDns(ctx);
  checkDeployments(ctx);
  ctx.warnings.push(...warnNotActedOn(input.checked));
  return { problems: ctx.problems, warnings: ctx.warnings };
}

function checkUniqueNames(ctx: RuleContext, checked: CheckedDocument[]): void {
  const first = new Map<string, CheckedDocument>();
  for (const c of checked) {
    const key = `${c.kind}/${c.name}`;
    const prev = first.get(key);
    if (!prev) first.set(key, c);
    else ctx.problems.push(problemAt(c.raw, key, ['metadata', 'name'], `${c.kind} "${c.name}" is already declared at ${prev.raw.file}:${prev.raw.start.line}; names are unique per kind`));
  }
}

/**
 * The names each kind declares, read from every document that has a readable kind and name, also
 * those that failed their schema: a reference to a broken document is not reported as dangling too.
 */
export function declaredNames(documents: RawDocument[]): Map<ManifestKind, Set<string>> {
  const out = new Map<ManifestKind, Set<string>>(MANIFEST_KINDS.map((k) => [k, new Set<string>()]));
  for (const d of documents) {
    const v = d.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (!v || typeof v !== 'object' || typeof v.kind !== 'string') continue;
    const name = v.metadata && typeof v.metadata === 'object' ? v.metadata.name : undefined;
    if (typeof name === 'string') out.get(v.kind as ManifestKind)?.add(name);
  }
  return out;
}
