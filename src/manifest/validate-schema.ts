/**
 * Step 1 of validation: each document against its kind's JSON Schema. The validator is picked by
 * `kind`; an unknown kind or apiVersion is one clear problem instead of a schema dump.
 */
import type { Problem } from '../errors.ts';
import { API_VERSION } from '../model/schemas/common.ts';
import { MANIFEST_KINDS, type KindName, type ManifestKind } from '../model/schemas/build.ts';
import { validatorFor } from './ajv.ts';
import type { DocPath, RawDocument } from './parse-yaml.ts';
import { closest, explainErrors, show } from './schema-messages.ts';

/** A document that passed its schema: its kind is known and its value has the schema's shape. */
export interface CheckedDocument<K extends KindName = KindName> {
  kind: K;
  name: string;
  raw: RawDocument;
}

/** JSON pointer for a document path (`/spec/records/0/ttl`). */
export function pointer(path: DocPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A problem at `path` inside `raw`, located in the source. */
export function problemAt(raw: RawDocument, resource: string | undefined, path: DocPath, message: string, key = false): Problem {
  const { line, col } = raw.locate(path, { key });
  return { file: raw.file, line, col, path: pointer(path), ...(resource ? { resource } : {}), message };
}

/** `Kind/name` of a raw document, as far as it can be read. */
export function resourceOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { kind?: unknown; metadata?: { name?: unknown } };
  const name = v.metadata && typeof v.metadata === 'object' && typeof v.metadata.name === 'string' ? v.metadata.name : undefined;
  if (typeof v.kind !== 'string') return undefined;
  return `${v.kind}/${name ?? '?'}`;
}

/**
 * Validates each document against the schema of its kind. `allowed` lists the kinds accepted here
 * (the manifest kinds, or `Project` for keelson.yaml). Every problem of every document is returned.
 */
export function validateDocuments<K extends KindName = ManifestKind>(
  documents: RawDocument[],
  allowed: readonly K[] = MANIFEST_KINDS as unknown as readonly K[],
): { valid: CheckedDocument<K>[]; problems: Problem[] } {
  const valid: CheckedDocument<K>[] = [];
  const problems: Problem[] = [];
  for (const raw of documents) {
    const v = raw.value;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      problems.push(problemAt(raw, undefined, [], `a document must be a map with apiVersion, kind, metadata and spec, got ${Array.isArray(v) ? 'a list' : show(v)}`));
      continue;
    }
    const doc = v as Record<string, unknown>;
    const resource = resourceOf(doc);
    const kind = doc.kind;
    if (doc.apiVersion !== API_VERSION) {
      const msg = doc.apiVersion === undefined ? `missing required field "apiVersion" (use "${API_VERSION}")` : `unknown apiVersion ${show(doc.apiVersion)}; keelson reads "${API_VERSION}"`;
      problems.push(problemAt(raw, resource, ['apiVersion'], msg, doc.apiVersion === undefined));
      continue;
    }
    if (typeof kind !== 'string' || !(allowed as readonly string[]).includes(kind)) {
      problems.push(problemAt(raw, resource, ['kind'], kindMessage(kind, allowed), kind === undefined));
      continue;
    }
    const validate = validatorFor(kind as K);
    if (validate(doc)) {
      valid.push({ kind: kind as K, name: (doc.metadata as { name: string }).name, raw });
      continue;
    }
    for (const issue of explainErrors(kind as K, validate.errors ?? [])) problems.push(problemAt(raw, resource, issue.path, issue.message, issue.key));
  }
  return { valid, problems };
}

function kindMessage(kind: unknown, allowed: readonly string[]): string {
  if (kind === undefined) return 'missing required field "kind"';
  if (kind === 'Project') return 'kind Project belongs in keelson.yaml at the repository root, not in the manifests folder';
  if ((MANIFEST_KINDS as readonly string[]).includes(String(kind))) return `kind ${String(kind)} belongs in the manifests folder, not in keelson.yaml`;
  const near = typeof kind === 'string' ? closest(kind, allowed) : undefined;
  return `unknown kind ${show(kind)}${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${allowed.join(', ')}`;
}
