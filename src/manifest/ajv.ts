/**
 * The schema validators: one ajv instance in strict mode, one compiled validator per kind, built
 * from exactly the JSON that is published under `schemas/`. Each kind is compiled once per process, on
 * first use.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Cron } from 'croner';
import * as ajvFormats from 'ajv-formats';
import { KIND_SCHEMAS, buildSchema, type KindName } from '../model/schemas/build.ts';
import { parseDuration } from '../model/duration.ts';

// ajv-formats ships CommonJS with a default export; under ESM the callable sits on `.default`.
const addFormats = (ajvFormats as unknown as { default: (a: Ajv, f: string[]) => Ajv }).default;

// A fleet repeats the same few schedules and zones thousands of times; parsing each once is enough.
const cronCache = new Map<string, string | undefined>();
const zoneCache = new Map<string, boolean>();

/** Why a cron expression is invalid, or undefined when croner accepts it. */
export function cronProblem(expr: string): string | undefined {
  if (cronCache.has(expr)) return cronCache.get(expr);
  let problem: string | undefined;
  try {
    new Cron(expr, { paused: true });
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  if (cronCache.size < 10_000) cronCache.set(expr, problem);
  return problem;
}

/** An IANA zone name that this Node's Intl knows (aliases included), or "UTC". */
export function isTimeZone(tz: string): boolean {
  const known = zoneCache.get(tz);
  if (known !== undefined) return known;
  let ok = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  try {
    if (ok) new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    ok = false;
  }
  if (zoneCache.size < 10_000) zoneCache.set(tz, ok);
  return ok;
}

/** Whether `text` is at most `max` long; true for text that is no duration (the pattern reports it). */
export function withinDuration(max: string, text: string): boolean {
  if (!DURATION_RE.test(text)) return true;
  return parseDuration(text) <= parseDuration(max);
}

const DURATION_RE = /^([0-9]+(ms|s|m|h|d))+$/;

let ajv: Ajv | undefined;
const validators = new Map<KindName, ValidateFunction>();

function makeAjv(): Ajv {
  // strictRequired is off: the schemas say "exactly one of these fields" as oneOf branches that only
  // list `required`, which that check would refuse; every other strict check stays on.
  const a = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true, allowUnionTypes: true });
  addFormats(a, ['uri']);
  a.addFormat('cron', { type: 'string', validate: (s: string) => cronProblem(s) === undefined });
  a.addFormat('timezone', { type: 'string', validate: isTimeZone });
  // A duration's upper bound (see `dur` in the schemas). Malformed text is left to the pattern.
  a.addKeyword({ keyword: 'maxDuration', type: 'string', schemaType: 'string', validate: withinDuration });
  return a;
}

/** The compiled validator for a kind, compiled on first use (a repository seldom uses every kind). */
export function validatorFor(kind: KindName): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    ajv ??= makeAjv();
    v = ajv.compile(buildSchema(KIND_SCHEMAS[kind].source));
    validators.set(kind, v);
  }
  return v;
}

/** A validator for a sub-schema of a kind's schema, addressed by its JSON pointer (compiled once, cached by ajv). */
export function subValidator(kind: KindName, pointer: string): ValidateFunction | undefined {
  const id = (validatorFor(kind).schema as { $id: string }).$id;
  try {
    return (ajv as Ajv).getSchema(`${id}${pointer}`);
  } catch {
    // A branch that cannot compile alone only costs the oneOf its nicer message.
    return undefined;
  }
}
