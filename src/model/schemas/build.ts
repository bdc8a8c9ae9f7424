import { defs, type JsonSchema } from './common.ts';
import { deploymentSchema } from './deployment.ts';
import { dnsZoneSchema } from './dns-zone.ts';
import { notifierSchema } from './notifier.ts';
import { projectSchema } from './project.ts';
import { regionPoolSchema } from './region-pool.ts';
import { serverSchema } from './server.ts';
import { snapshotSchema } from './snapshot.ts';
import { sshKeySchema, startupScriptSchema } from './ssh-key.ts';

/** Every kind keelson knows, with the file its schema is published as under `schemas/`. */
export const KIND_SCHEMAS = {
  Server: { file: 'server.json', source: serverSchema },
  Snapshot: { file: 'snapshot.json', source: snapshotSchema },
  RegionPool: { file: 'region-pool.json', source: regionPoolSchema },
  DNSZone: { file: 'dns-zone.json', source: dnsZoneSchema },
  Deployment: { file: 'deployment.json', source: deploymentSchema },
  Notifier: { file: 'notifier.json', source: notifierSchema },
  SSHKey: { file: 'ssh-key.json', source: sshKeySchema },
  StartupScript: { file: 'startup-script.json', source: startupScriptSchema },
  Project: { file: 'project.json', source: projectSchema },
} as const;

export type KindName = keyof typeof KIND_SCHEMAS;
export const MANIFEST_KINDS = ['Server', 'Snapshot', 'RegionPool', 'DNSZone', 'Deployment', 'Notifier', 'SSHKey', 'StartupScript'] as const;
export type ManifestKind = (typeof MANIFEST_KINDS)[number];

/** A kind's schema with every shared definition it uses (transitively) copied into its `$defs`. */
export function buildSchema(source: JsonSchema): JsonSchema {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
        const name = v.slice('#/$defs/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit((defs as Record<string, JsonSchema>)[name]);
        }
      } else visit(v);
    }
  };
  visit(source);
  const picked = Object.fromEntries([...used].sort().map((n) => [n, (defs as Record<string, JsonSchema>)[n]]));
  return { ...source, $defs: picked };
}

/** The published files: name under `schemas/` → pretty-printed JSON. */
export function renderSchemaFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { file, source } of Object.values(KIND_SCHEMAS)) out.set(file, `${JSON.stringify(buildSchema(source), null, 2)}\n`);
  return out;
}
