/**
 * The schema validators: one compiled validator per kind, built from exactly the JSON that is published
 * under `schemas/`. In dist/ they are precompiled by the build (`schema-validators.cjs`, ajv's
 * standalone code for the same schemas, options and formats), so a run loads no ajv compiler; run from
 * the TypeScript sources, each kind is compiled once per process, on first use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as AjvModule from 'ajv';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { Cron } from 'croner';
import { KIND_SCHEMAS, buildSchema, type KindName } from '../model/schemas/build.ts';
import { parseDuration } from '../model/duration.ts';

const load = createRequire(import.meta.url);

// A fleet repeats the same few schedules and zones thousands of times; parsing each once is enough.
const cronCache = new Map<string, string | undefined>();
const zoneCache = new Map<string, boolean>();

/**
 * Why a cron expression is invalid, or undefined when it is fine: five fields, or six with seconds
 * first, or a nickname such as `@daily` (croner would also take a seventh, year field, which keelson
 * does not document), accepted by croner, and able to fire at all (`0 0 30 2 *` never does).
 */
export function cronProblem(expr: string): string | undefined {
  if (cronCache.has(expr)) return cronCache.get(expr);
  let problem: string | undefined;
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && fields !== 5 && fields !== 6) {
    problem = `it has ${fields} field(s); use 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  } else {
    try {
      if (new Cron(expr, { paused: true }).nextRun() === null) problem = 'it can never fire (no such date)';
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
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

/** The formats the schemas use; the precompiled validators call these same functions. */
export const SCHEMA_FORMATS = {
  uri: (load('ajv-formats/dist/formats') as { fullFormats: { uri: (s: string) => boolean } }).fullFormats.uri,
  cron: { type: 'string', validate: (s: string) => cronProblem(s) === undefined },
  timezone: { type: 'string', validate: isTimeZone },
} as const;

/** What the precompiled validators are handed: the formats and the duration bound's check. */
export const SCHEMA_HELPERS = { ...SCHEMA_FORMATS, withinDuration };

/**
 * An ajv instance as the manifest schemas need it; the build precompiles with this same function.
 * strictRequired is off: the schemas say "exactly one of these fields" as oneOf branches that only
 * list `required`, which that check would refuse; every other strict check stays on.
 */
export function createAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass, _: code } = load('ajv') as typeof AjvModule;
  const a = new AjvClass({ allErrors: true, strict: true, strictRequired: false, verbose: true, allowUnionTypes: true, ...extra });
  for (const [name, format] of Object.entries(SCHEMA_FORMATS)) a.addFormat(name, format);
  // A duration's upper bound (see `dur` in the schemas). Malformed text is left to the pattern. Written
  // as generated code that calls `withinDuration`, so ajv's standalone (precompiled) code can carry it.
  a.addKeyword({
    keyword: 'maxDuration', type: 'string', schemaType: 'string',
    code(cxt) {
      const fn = cxt.gen.scopeValue('func', { ref: withinDuration, code: code`keelsonFormats.withinDuration` });
      cxt.fail(code`!${fn}(${cxt.schemaCode}, ${cxt.data})`);
    },
  });
  return a;
}

/** Where the build writes the precompiled validators, beside this module (so only in dist/). */
export const PRECOMPILED_VALIDATORS = 'schema-validators.cjs';

type Precompiled = Partial<Record<KindName, ValidateFunction>>;

let ajv: Ajv | undefined;
let precompiled: Precompiled | null | undefined;
const validators = new Map<KindName, ValidateFunction>();

function precompiledValidators(): Precompiled | undefined {
  if (precompiled === undefined) {
    const file = fileURLToPath(new URL(`./${PRECOMPILED_VALIDATORS}`, import.meta.url));
    precompiled = existsSync(file) ? (load(file) as (helpers: typeof SCHEMA_HELPERS) => Precompiled)(SCHEMA_HELPERS) : null;
  }
  return precompiled ?? undefined;
}

/** Whether this copy of the module validates with the build's precompiled validators (dist/) or compiles its own. */
export function usesPrecompiledValidators(): boolean {
  return precompiledValidators() !== undefined;
}

/** The validator for a kind: precompiled, or compiled on first use (a repository seldom uses every kind). */
export function validatorFor(kind: KindName): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    v = precompiledValidators()?.[kind] ?? (ajv ??= createAjv()).compile(buildSchema(KIND_SCHEMAS[kind].source));
    validators.set(kind, v);
  }
  return v;
}

/** A validator for a sub-schema of a kind's schema, addressed by its JSON pointer (compiled once, cached by ajv). */
export function subValidator(kind: KindName, pointer: string): ValidateFunction | undefined {
  // Only explanations of invalid documents need this: the ajv compiler is loaded for them alone.
  ajv ??= createAjv();
  const schema = buildSchema(KIND_SCHEMAS[kind].source) as { $id: string };
  try {
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
    return ajv.getSchema(`${schema.$id}${pointer}`);
  } catch {
    // A branch that cannot compile alone only costs the oneOf its nicer message.
    return undefined;
  }
}
