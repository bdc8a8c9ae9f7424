/**
 * Parses manifest text into documents that remember where every node came from. YAML 1.2 core
 * schema (so `no` stays a string), duplicate keys refused, alias expansion and nesting capped.
 */
import { Alias, Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document, type DocumentOptions, type Node, type Pair, type ParseOptions, type SchemaOptions } from 'yaml';
import type { Problem } from '../errors.ts';
import { findExcessiveNesting } from './depth-scan.ts';
import { DEFAULT_LIMITS, fileProblem, type LoadLimits, type SourceFile } from './read-files.ts';

// resolveKnownTags off: only the core schema's tags resolve; `!!binary`, `!!timestamp`, `!!js/function`,
// `!include` and every other tag is reported (TAG_RESOLVE_FAILED) and refused below.
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false, resolveKnownTags: false };

/** A 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** A path inside a document: map keys and list indexes. */
export type DocPath = readonly (string | number)[];

/** One parsed document with its plain value and a way to find any node's position. */
export interface RawDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
  /** Position of the document's first node. */
  start: Position;
  /**
   * Where the node at `path` sits; with `key`, where its key sits. A path that does not exist
   * resolves to the key of its deepest existing ancestor (where a missing field belongs).
   */
  locate(path: DocPath, opts?: { key?: boolean }): Position;
}

/** Splits one file into documents. Problems (syntax, duplicates, hostile input) come back as values. */
export function parseManifestFile(source: SourceFile, limits: LoadLimits = DEFAULT_LIMITS): { documents: RawDocument[]; problems: Problem[]; warnings: Problem[] } {
  const { file, text } = source;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const deep = findExcessiveNesting(text, limits.maxDepth);
  if (deep) {
    return { documents: [], warnings, problems: [{ file, line: deep.line, col: deep.col, path: '', message: `nesting deeper than ${limits.maxDepth} levels; refusing to parse the file` }] };
  }
  const lineCounter = new LineCounter();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  // Positions are only needed for the few nodes that have problems, so no syntax tree outlives its
  // conversion to plain values (documents are composed and converted one at a time); the first
  // locate() in a file parses its text again (same text, same trees).
  let again: Document[] | undefined;
  const tree = (index: number): Document => {
    again ??= parseAllDocuments(text, YAML_OPTIONS) as Document[];
    return again[index] as Document;
  };
  const documents: RawDocument[] = [];
  let index = -1;
  let anyContents = false;
  for (const doc of new Composer(YAML_OPTIONS).compose(new Parser(lineCounter.addNewLine).parse(text))) {
    index++;
    anyContents ||= doc.contents !== null;
    for (const e of doc.errors) problems.push({ file, ...pos(e.pos[0]), path: '', message: yamlMessage(e.code, e.message) });
    // An unknown tag would silently become a plain string (`!include x.yaml` → "x.yaml"): refused.
    const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
    for (const w of tags) problems.push({ file, ...pos(w.pos[0]), path: '', message: tagMessage(w.message) });
    for (const w of doc.warnings) if (w.code !== 'TAG_RESOLVE_FAILED') warnings.push({ file, ...pos(w.pos[0]), path: '', message: yamlMessage(w.code, w.message) });
    if (doc.errors.length > 0 || tags.length > 0 || doc.contents === null) continue;
    const start = pos(doc.contents.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      problems.push(unresolvedAlias(doc, text, file, pos) ?? { file, ...start, path: '', message: `aliases expand too much (limit ${limits.maxAliasCount}); refusing a possible "billion laughs" document` });
      continue;
    }
    if (depthOf(value) > limits.maxDepth) {
      problems.push({ file, ...start, path: '', message: `nesting deeper than ${limits.maxDepth} levels` });
      continue;
    }
    const at = index;
    documents.push({ file, index: at, value, start, locate: (path, opts) => locateIn(tree(at), path, opts?.key ?? false, pos, start) });
  }
  if (documents.length === 0 && problems.length === 0 && !anyContents) {
    problems.push(fileProblem(file, 'file has no YAML documents; an empty manifest file is refused, since a truncated file must not read as "delete what it declared"'));
  }
  return { documents, problems, warnings };
}

function tagMessage(message: string): string {
  const tag = message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
  return `unknown YAML tag ${tag}: keelson reads plain YAML 1.2 (no custom, include or language tags); remove the tag`;
}

/**
 * The first alias of `doc` with no anchor before it in the same document, as a problem (an anchor
 * in an earlier document does not count: aliases cannot cross documents); undefined when every alias
 * resolves (the failure was the expansion limit).
 */
function unresolvedAlias(doc: Document, text: string, file: string, pos: (o: number) => Position): Problem | undefined {
  const anchors = new Set<string>();
  let found: Problem | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (anchors.has(node.source)) return undefined;
      const docStart = doc.range?.[0] ?? 0;
      const before = text.slice(0, docStart);
      const earlier = new RegExp(`&${node.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s,\\]}]|$)`).test(before);
      const at = pos(node.range?.[0] ?? docStart);
      found = {
        file, ...at, path: '',
        message: earlier
          ? `alias *${node.source} refers to an anchor in an earlier document: aliases cannot cross documents (each document stands alone)`
          : `alias *${node.source} has no anchor &${node.source} before it in this document`,
      };
      return visit.BREAK;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.add(anchor);
    return undefined;
  });
  return found;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${first.replace(/ at line \d+, column \d+.*$/, '')}`;
  return `YAML: ${first.replace(/ at line \d+, column \d+.*$/, '')}`;
}

/** Deepest nesting of arrays and objects, counted without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const values: unknown[] = [value];
  const depths: number[] = [0];
  const seen = new Set<object>();
  while (values.length > 0) {
    const v = values.pop();
    const d = (depths.pop() as number) + 1;
    if (!v || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (d > max) max = d;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (!child || typeof child !== 'object') continue;
      values.push(child);
      depths.push(d);
    }
  }
  return max;
}

function locateIn(doc: Document, path: DocPath, wantKey: boolean, pos: (o: number) => Position, start: Position): Position {
  let node: Node | null | undefined = doc.contents;
  let pair: Pair | undefined;
  let lastGood: Position = start;
  for (const seg of path) {
    if (node instanceof Alias) node = node.resolve(doc) as Node | undefined;
    let next: Node | null | undefined;
    let nextPair: Pair | undefined;
    if (isMap(node)) {
      nextPair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      next = nextPair?.value as Node | null | undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg] as Node | undefined;
    }
    if (!next && !nextPair) return lastGood;
    pair = nextPair;
    node = next;
    const keyNode = pair?.key as Node | undefined;
    lastGood = keyNode?.range ? pos(keyNode.range[0]) : node?.range ? pos(node.range[0]) : lastGood;
  }
  const keyNode = pair?.key as Node | undefined;
  // A map or list value starts on the line after its key; the key is where a reader looks.
  if ((wantKey || isMap(node) || isSeq(node)) && keyNode?.range) return pos(keyNode.range[0]);
  if (node?.range) return pos(node.range[0]);
  return lastGood;
}
