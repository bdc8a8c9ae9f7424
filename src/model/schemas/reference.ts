/**
 * The manifest reference in the README, generated from the schemas so it cannot drift:
 * `npm run docs` writes it between the README's reference markers, and a test compares them.
 */
import { KIND_SCHEMAS, buildSchema } from './build.ts';
import type { JsonSchema } from './common.ts';

export const REFERENCE_START = '<!-- reference:start -->';
export const REFERENCE_END = '<!-- reference:end -->';

interface Row {
  field: string;
  type: string;
  required: 'yes' | 'one of' | '';
  dflt: string;
  description: string;
}

/** The markdown between the markers: one table per kind, every field with its type, default and meaning. */
export function renderReference(): string {
  const parts: string[] = [];
  const server = buildSchema(KIND_SCHEMAS.Server.source);
  const envelope: Row[] = [
    { field: 'apiVersion', type: '`"keelson.dev/v1"`', required: 'yes', dflt: '', description: 'The manifest format version.' },
    { field: 'kind', type: 'string', required: 'yes', dflt: '', description: 'One of the kinds below.' },
    { field: 'metadata', type: 'map', required: 'yes', dflt: '', description: 'Identity and labels.' },
  ];
  walk(((server.properties as Record<string, JsonSchema>).metadata ?? {}) as JsonSchema, 'metadata', (server.$defs ?? {}) as Record<string, JsonSchema>, envelope, 0);
  envelope.push({ field: 'spec', type: 'map', required: 'yes', dflt: '', description: 'The kind\'s own fields, below.' });
  parts.push('### Every document', '', 'Every manifest (and keelson.yaml) has this envelope.', '', ...table(envelope));
  for (const [kind, { file, source }] of Object.entries(KIND_SCHEMAS)) {
    const schema = buildSchema(source);
    const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
    const rows: Row[] = [];
    walk(((schema.properties as Record<string, JsonSchema>).spec ?? {}) as JsonSchema, 'spec', defs, rows, 0);
    parts.push(
      `### ${kind}${kind === 'Project' ? ' (keelson.yaml)' : ''}`,
      '',
      `${String(schema.description)} Schema: [\`schemas/${file}\`](schemas/${file}).`,
      '',
      ...table(rows),
    );
  }
  return parts.join('\n');
}

function table(rows: Row[]): string[] {
  return [
    '| Field | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.field}\` | ${r.type} | ${r.required} | ${r.dflt} | ${escape(r.description)} |`),
    '',
  ];
}

function resolve(node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const target = defs[ref.replace('#/$defs/', '')] ?? {};
  return { ...target, ...node, $ref: undefined, description: node.description ?? target.description };
}

function typeOf(node: JsonSchema, defs: Record<string, JsonSchema>): string {
  const n = resolve(node, defs);
  if (Array.isArray(n.enum)) return (n.enum as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.format === 'cron') return 'cron';
  if (n.format === 'timezone') return 'time zone';
  if (n.$ref === undefined && node.$ref === '#/$defs/duration') return typeof n.maxDuration === 'string' ? `duration ≤ ${n.maxDuration}` : 'duration';
  if (Array.isArray(n.oneOf) && !n.type) return (n.oneOf as JsonSchema[]).map((b) => typeOf(b, defs)).join(' \\| ');
  if (n.type === 'array') return `list of ${typeOf((n.items ?? {}) as JsonSchema, defs)}`;
  if (n.type === 'object') return 'map';
  return String(n.type ?? 'any');
}

function walk(node: JsonSchema, path: string, defs: Record<string, JsonSchema>, rows: Row[], depth: number): void {
  const n = resolve(node, defs);
  // Object-valued variants (oneOf of objects, e.g. targets or image) list every branch's fields.
  const branches = Array.isArray(n.oneOf) ? (n.oneOf as JsonSchema[]).map((b) => resolve(b, defs)).filter((b) => b.properties) : [];
  const objects = n.properties ? [n, ...branches] : branches;
  const inEvery = (key: string): boolean => branches.length > 0 && branches.every((b) => ((b.required as string[] | undefined) ?? []).includes(key));
  for (const obj of objects) {
    const required = new Set((obj.required as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries(obj.properties as Record<string, JsonSchema>)) {
      const c = resolve(child, defs);
      const field = `${path}.${key}`;
      if (rows.some((r) => r.field === field)) continue;
      rows.push({
        field,
        type: typeOf(child, defs),
        required: !required.has(key) ? '' : obj === n || inEvery(key) ? 'yes' : 'one of',
        dflt: c.default === undefined ? '' : `\`${JSON.stringify(c.default)}\``,
        description: String(c.description ?? ''),
      });
      if (depth > 6) continue;
      if (c.type === 'array' && c.items) walk(c.items as JsonSchema, `${field}[]`, defs, rows, depth + 1);
      else walk(child, field, defs, rows, depth + 1);
    }
  }
}

const escape = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
