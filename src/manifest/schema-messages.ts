/**
 * Turns ajv's errors into messages a person can act on. The hard part is `oneOf`: ajv reports every
 * failing branch, so one mistake in a DNS record or a server image becomes half a dozen errors. Here
 * the branch the author most likely meant is picked and only its errors are reported; when no branch
 * is close, the message names the alternatives instead.
 */
import type { ErrorObject } from 'ajv';
import type { KindName } from '../model/schemas/build.ts';
import { cronProblem, subValidator } from './ajv.ts';
import type { DocPath } from './parse-yaml.ts';

/** One schema problem, before it is located in the source. */
export interface SchemaIssue {
  path: DocPath;
  /** Point at the key rather than the value (unknown and missing fields). */
  key: boolean;
  message: string;
}

type Schema = Record<string, unknown>;
const YAML11_BOOL = /^(y|yes|n|no|on|off|true|false)$/i;
const HIGH = 100;

/** Readable issues for a kind's ajv errors (already located by instance path, not yet by line). */
export function explainErrors(kind: KindName, errors: ErrorObject[]): SchemaIssue[] {
  return summarize(kind, errors, '', []);
}

function summarize(kind: KindName, errors: ErrorObject[], pointerBase: string, pathBase: DocPath): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  // Walk backwards: ajv pushes a oneOf's own error after its branches' errors, so the outermost
  // oneOf is met first and its branches' errors (a contiguous run before it) can be skipped.
  for (let i = errors.length - 1; i >= 0; i--) {
    const e = errors[i] as ErrorObject;
    if (e.keyword === 'oneOf') {
      const branches = runBranches(kind, e, pointerBase);
      const skipped = branches.reduce((n, b) => n + b.errors.length, 0);
      i -= Math.min(skipped, i);
      out.push(...explainOneOf(kind, e, branches, pathBase));
    } else out.push(describe(e, pathBase));
  }
  return out.reverse();
}

interface Branch {
  pointer: string;
  schema: Schema;
  errors: ErrorObject[];
}

function absolutePointer(schemaPath: string, pointerBase: string): string {
  return schemaPath.startsWith('#/$defs/') || pointerBase === '' ? schemaPath : `${pointerBase}${schemaPath.slice(1)}`;
}

function runBranches(kind: KindName, e: ErrorObject, pointerBase: string): Branch[] {
  const pointer = absolutePointer(e.schemaPath, pointerBase);
  return (e.schema as Schema[]).map((schema, k) => {
    const v = subValidator(kind, `${pointer}/${k}`);
    const ok = v ? v(e.data) : true;
    return { pointer: `${pointer}/${k}`, schema, errors: ok ? [] : [...(v?.errors ?? [])] };
  });
}

const requiredOf = (s: Schema): string[] => (Array.isArray(s.required) ? (s.required as string[]) : []);
const propsOf = (s: Schema): string[] => Object.keys((s.properties as Schema | undefined) ?? {});

function explainOneOf(kind: KindName, e: ErrorObject, branches: Branch[], pathBase: DocPath): SchemaIssue[] {
  const path = [...pathBase, ...segments(e.instancePath)];
  const data = e.data;
  const isObject = data !== null && typeof data === 'object' && !Array.isArray(data);
  // The fields that tell the branches apart: required by some branch but not by all.
  const common = requiredOf(branches[0]?.schema ?? {}).filter((k) => branches.every((b) => requiredOf(b.schema).includes(k)));
  const choices = [...new Set(branches.flatMap((b) => requiredOf(b.schema)).filter((k) => !common.includes(k)))];
  const present = isObject ? choices.filter((k) => k in (data as object)) : [];
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (passing || present.length > 1) {
    return [{ path, key: true, message: `has ${present.map((k) => `"${k}"`).join(' and ')}; use exactly one of: ${choices.join(', ')}` }];
  }
  const score = (b: Branch): number => b.errors.reduce((sum, err) => {
    if (err.instancePath !== '') return sum + 1;
    if (err.keyword === 'type' || err.keyword === 'const' || err.keyword === 'enum') return sum + HIGH;
    if (err.keyword === 'required' && choices.includes((err.params as { missingProperty: string }).missingProperty)) return sum + HIGH;
    if (err.keyword === 'additionalProperties' && choices.includes((err.params as { additionalProperty: string }).additionalProperty)) return sum + HIGH;
    return sum + 1;
  }, 0);
  const best = branches.reduce((a, b) => (score(b) < score(a) ? b : a));
  if (score(best) < HIGH) {
    const nested = best.errors.map((err) => ({ ...err, instancePath: `${e.instancePath}${err.instancePath}` }));
    return summarize(kind, nested, best.pointer, pathBase);
  }
  if (isObject && choices.length > 0) {
    const known = new Set(branches.flatMap((b) => propsOf(b.schema)));
    const unknown = Object.keys(data as object).filter((k) => known.size > 0 && !known.has(k));
    return [
      { path, key: true, message: `needs one of: ${choices.join(', ')}` },
      ...unknown.map((k) => ({ path: [...path, k], key: true, message: unknownField(k, [...known]) })),
    ];
  }
  const description = (e.parentSchema as Schema | undefined)?.description;
  return [{ path, key: false, message: `${show(data)} is not valid here${description ? `: expected ${lowerFirst(String(description))}` : ''}` }];
}

function describe(e: ErrorObject, pathBase: DocPath): SchemaIssue {
  const path = [...pathBase, ...segments(e.instancePath)];
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], key: true, message: `missing required field "${String(p.missingProperty)}"` };
    case 'additionalProperties': {
      const known = propsOf((e.parentSchema as Schema | undefined) ?? {});
      return { path: [...path, String(p.additionalProperty)], key: true, message: unknownField(String(p.additionalProperty), known) };
    }
    case 'type':
      return { path, key: false, message: typeMessage(String(p.type), e.data) };
    case 'enum':
      return { path, key: false, message: `${show(e.data)} is not one of: ${(p.allowedValues as unknown[]).map(show).join(', ')}` };
    case 'const':
      return { path, key: false, message: `must be ${show(p.allowedValue)}, not ${show(e.data)}` };
    case 'pattern':
      return { path, key: false, message: patternMessage(e) };
    case 'format':
      return { path, key: false, message: formatMessage(String(p.format), e.data) };
    case 'maxDuration':
      return { path, key: false, message: `${show(e.data)} is longer than allowed here: at most ${String(e.schema)}` };
    default:
      return { path, key: false, message: `${show(e.data)}: ${e.message ?? 'is not valid'}` };
  }
}

function typeMessage(expected: string, data: unknown): string {
  if (expected === 'boolean' && typeof data === 'string' && YAML11_BOOL.test(data)) {
    return `"${data}" is a string in YAML 1.2, not a boolean: use true or false`;
  }
  const got = data === null ? 'nothing (null)' : Array.isArray(data) ? 'a list' : typeof data === 'object' ? 'a map' : `${typeof data} ${show(data)}`;
  const hint = expected === 'string' && (typeof data === 'boolean' || typeof data === 'number') ? ` (quote it: "${String(data)}")` : '';
  return `must be ${article(expected)}, got ${got}${hint}`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a map', array: 'a list', integer: 'an integer', string: 'a string', boolean: 'a boolean (true or false)', number: 'a number' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

function patternMessage(e: ErrorObject): string {
  const value = show(e.data);
  if (e.schemaPath.endsWith('$defs/name/pattern')) return `${value} is not a valid name: lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63`;
  if (e.schemaPath.endsWith('$defs/duration/pattern')) return `${value} is not a duration such as "500ms", "30s", "5m" or "1h30m"`;
  if (e.schemaPath.endsWith('$defs/envName/pattern')) return `${value} is not an environment variable name`;
  if (e.schemaPath.endsWith('$defs/recordName/pattern')) return `${value} is not a DNS record name: labels of letters, digits, "-" and "_" separated by dots, "*" only as the first label, or "@"`;
  if (e.schemaPath.endsWith('$defs/headerValue/pattern')) return 'a header value must be one line: no CR, LF or NUL characters (they would let it add headers of its own)';
  return `${value} does not match the expected form /${String((e.params as { pattern: string }).pattern)}/`;
}

function formatMessage(format: string, data: unknown): string {
  if (format === 'cron') return `${show(data)} is not a valid cron expression: ${cronProblem(String(data)) ?? 'rejected'}`;
  if (format === 'timezone') return `${show(data)} is not an IANA time zone (e.g. "Europe/Berlin" or "UTC")`;
  if (format === 'uri') return `${show(data)} is not a URL`;
  return `${show(data)} is not a valid ${format}`;
}

/** "unknown field" with the closest known field suggested when one is near (a typo). */
export function unknownField(name: string, known: string[]): string {
  const near = closest(name, known);
  return `unknown field "${name}"${near ? ` (did you mean "${near}"?)` : ''}`;
}

/** The candidate within edit distance 2 (or equal ignoring case), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : distance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 3;
}

/** JSON pointer segments; list indexes become numbers. */
export function segments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^(0|[1-9][0-9]*)$/.test(k) ? Number(k) : k;
  });
}

/** A value as it appears in a message: strings quoted, long values cut. */
export function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// "TTL in seconds" keeps its capitals; "The zone" does not.
const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s).replace(/\.$/, '');
