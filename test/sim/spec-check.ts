import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SimResponseEvent } from '../../src/sim/index.ts';

/** `../shared/specs` beside the repository root (CI clones the repo with `shared/` next to it). */
export const SPECS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../..', 'shared/specs');

type Json = unknown;
type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }>> };

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` type (and enum member). */
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = convert(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function load(file: string): Doc {
  return convert(JSON.parse(readFileSync(join(SPECS_DIR, file), 'utf8'))) as Doc;
}

const docs = { vultr: load('vultr-openapi-v2.subset.json'), vultrFull: load('vultr-openapi-v2.json'), cloudflare: load('cloudflare-openapi-v4.dns-zones.subset.json') };
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
addFormats.default(ajv);
ajv.addSchema(docs.vultr as object, 'vultr');
ajv.addSchema(docs.cloudflare as object, 'cloudflare');
const compiled = new Map<string, ValidateFunction | null>();
/** Statuses any endpoint may answer (faults, rate limits, auth, server errors) even if its spec omits them. */
const GENERIC = new Set([400, 401, 403, 404, 405, 429, 500, 502, 503]);

function pointer(...parts: string[]): string {
  return '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The validator for a response, `null` when the spec has no body schema, or an error text. */
function validatorFor(e: SimResponseEvent): ValidateFunction | null | string {
  const base = e.api === 'vultr' ? '/v2' : '/client/v4';
  const specPath = e.template.slice(base.length).replace(/:([^/]+)/g, '{$1}');
  const method = e.method.toLowerCase();
  const inSubset = e.api === 'vultr' ? docs.vultr.paths[specPath]?.[method] : docs.cloudflare.paths[specPath]?.[method];
  const op = inSubset ?? (e.api === 'vultr' ? docs.vultrFull.paths[specPath]?.[method] : undefined);
  if (!op) return e.template === '<unmatched>' || e.status === 405 ? null : `${e.endpoint}: not in the specs`;
  const responses = op.responses ?? {};
  const key = String(e.status) in responses ? String(e.status) : e.status >= 400 && '4XX' in responses && e.status < 500 ? '4XX' : undefined;
  if (!key) return GENERIC.has(e.status) ? null : `${e.endpoint}: status ${e.status} not documented`;
  const id = `${e.api}|${specPath}|${method}|${key}`;
  if (!compiled.has(id)) {
    const schema = responses[key]?.content?.['application/json']?.schema;
    let fn: ValidateFunction | null = null;
    if (e.api === 'cloudflare' && key === '4XX') {
      // The spec's 4XX schemas for records combine the success envelope (success: [true]) with the
      // failure one (success: [false]) in one allOf, which nothing can satisfy; check the failure part.
      const failure = specPath.includes('dns_records') ? 'dns-records_api-response-common-failure' : 'zones_api-response-common-failure';
      fn = ajv.compile({ $ref: `cloudflare${pointer('components', 'schemas', failure)}` });
    } else if (schema !== undefined) {
      fn = inSubset
        ? ajv.compile({ $ref: `${e.api === 'vultr' ? 'vultr' : 'cloudflare'}${pointer('paths', specPath, method, 'responses', key, 'content', 'application/json', 'schema')}` })
        : ajv.compile(schema as object);
    }
    compiled.set(id, fn);
  }
  return compiled.get(id) ?? null;
}

/** Checks one response against the schema of its path, method and status; returns the problems. */
export function checkResponse(e: SimResponseEvent): string[] {
  const problems: string[] = [];
  const body: unknown = e.bodyText === '' ? undefined : JSON.parse(e.bodyText);
  if (e.api === 'vultr' && e.status >= 400) {
    const b = body as { error?: unknown; status?: unknown } | undefined;
    if (typeof b?.error !== 'string' || b.status !== e.status) problems.push(`${e.endpoint} ${e.status}: Vultr error body must be {error, status}`);
  }
  if (e.status === 204 && e.bodyText !== '') problems.push(`${e.endpoint}: 204 with a body`);
  const v = validatorFor(e);
  // Known deviation: Cloudflare's 429 body carries code 971 (reported), below the spec's minimum of 1000.
  if (e.api === 'cloudflare' && e.status === 429 && v && typeof v !== 'string') {
    const b = body as { errors?: { code: number }[] };
    const patched = { ...b, errors: b.errors?.map((x) => (x.code === 971 ? { ...x, code: 1000 } : x)) };
    if (!v(patched)) problems.push(`${e.endpoint} 429: ${ajv.errorsText(v.errors)}`);
    return problems;
  }
  if (typeof v === 'string') return [...problems, v];
  if (v && !v(body)) problems.push(`${e.endpoint} ${e.status}: ${ajv.errorsText(v.errors)} in ${e.bodyText.slice(0, 300)}`);
  return problems;
}

/** Collects spec violations of every response a simulator sends; pass `onResponse` to startSimulator. */
export function specTap(): { onResponse: (e: SimResponseEvent) => void; violations: string[]; checked: () => number } {
  const violations: string[] = [];
  let checked = 0;
  return {
    violations,
    checked: () => checked,
    onResponse: (e) => {
      checked++;
      violations.push(...checkResponse(e));
    },
  };
}
