/**
 * Step 2 of validation: schema-checked documents become the typed model of src/model/types.ts.
 * Names are indexed by kind (the first document of a name wins; duplicates are the rules' business).
 */
import type { ManifestDoc, Manifests, ProjectConfig, RegionPoolDoc } from '../model/types.ts';
import { normalizeDeployment, normalizeNotifier } from './normalize-deployment.ts';
import type { ContentFiles } from './content-files.ts';
import { mergeServerRecords, normalizeZone } from './normalize-dns.ts';
import { normalizeSshKey, normalizeStartupScript } from './normalize-keys.ts';
import { normalizeRegionPool, normalizeServer, normalizeSnapshot } from './normalize-server.ts';
import type { RawDocument } from './parse-yaml.ts';
import type { CheckedDocument } from './validate-schema.ts';

/** The normalized manifests plus where each document came from (for the rules' messages). */
export interface Normalized {
  manifests: Manifests;
  origin: Map<ManifestDoc, RawDocument>;
}

export function emptyManifests(): Manifests {
  return { servers: new Map(), snapshots: new Map(), regionPools: new Map(), dnsZones: new Map(), deployments: new Map(), notifiers: new Map(), sshKeys: new Map(), startupScripts: new Map() };
}

/** Normalizes every checked document. Pure: reads nothing but its arguments (`files`: see `readContentFiles`). */
export function normalizeDocuments(checked: CheckedDocument[], project: ProjectConfig, files: ContentFiles = new Map()): Normalized {
  const manifests = emptyManifests();
  const origin = new Map<ManifestDoc, RawDocument>();
  const add = <D extends ManifestDoc>(map: Map<string, D>, doc: D | undefined, c: CheckedDocument): void => {
    if (!doc) return;
    origin.set(doc, c.raw);
    if (!map.has(doc.metadata.name)) map.set(doc.metadata.name, doc);
  };
  const byKind = (kind: CheckedDocument['kind']): CheckedDocument[] => checked.filter((c) => c.kind === kind);
  // Pools first: servers resolve their region from them.
  for (const c of byKind('RegionPool')) add(manifests.regionPools, normalizeRegionPool(c), c);
  const pools: Map<string, RegionPoolDoc> = manifests.regionPools;
  for (const c of byKind('Server')) add(manifests.servers, normalizeServer(c, project, pools), c);
  for (const c of byKind('Snapshot')) add(manifests.snapshots, normalizeSnapshot(c), c);
  for (const c of byKind('DNSZone')) add(manifests.dnsZones, normalizeZone(c, project), c);
  for (const c of byKind('Deployment')) add(manifests.deployments, normalizeDeployment(c, project), c);
  for (const c of byKind('Notifier')) add(manifests.notifiers, normalizeNotifier(c), c);
  for (const c of byKind('SSHKey')) add(manifests.sshKeys, normalizeSshKey(c, files), c);
  for (const c of byKind('StartupScript')) add(manifests.startupScripts, normalizeStartupScript(c, files), c);
  mergeServerRecords(manifests.servers.values(), manifests.dnsZones);
  return { manifests, origin };
}
