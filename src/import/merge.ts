/**
 * Where adopted resources go in the repository. A zone the manifests already manage is not written
 * a second time: its adopted records join that DNSZone document in its own file (a new record set,
 * or one more value of a set with the same name, type and settings), and are marked with that
 * document's name. A record that clashes with what the manifests declare (same name and type, other
 * settings, or declared through a Server's `dns`) is not adopted: it stays unmarked, and the clash
 * is named. Pure apart from reading the files it edits.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, type Document, type YAMLMap } from 'yaml';
import { KeelsonError } from '../errors.ts';
import type { LiveRecord } from '../model/live.ts';
import type { DnsRecordSpec, DnsZoneDoc, Manifests } from '../model/types.ts';
import type { Adoption } from './adopt.ts';
import { recordSets, relativeName, type RecordSetManifest } from './manifests.ts';

/** A manifest file rewritten with adopted records merged in. */
export interface FileEdit {
  /** Absolute path. */
  path: string;
  /** The text before the edit; undefined for a file the import creates. */
  before?: string;
  after: string;
}

function sameSettings(set: RecordSetManifest, declared: DnsRecordSpec): boolean {
  return set.ttl === declared.ttl && (set.proxied ?? false) === declared.proxied && set.priority === declared.priority && set.comment === declared.comment;
}

function where(d: DnsRecordSpec, doc: DnsZoneDoc | undefined): string {
  return `${d.declaredBy.kind}/${d.declaredBy.name}${doc ? ` (${doc.source.file})` : ''}`;
}

function documentOf(docs: Document[], name: string): Document | undefined {
  return docs.find((d) => d.get('kind') === 'DNSZone' && (d.getIn(['metadata', 'name']) as unknown) === name);
}

/** What an import does with the repository: files to edit, the adoption left for a new file, clashes left out. */
export interface MergedAdoption {
  /** Everything to mark: zones that join a document carry its name, clashing records are left out. */
  adoption: Adoption;
  /** What still needs a new manifest file: the servers, and zones the manifests do not manage. */
  rest: Adoption;
  edits: FileEdit[];
  /** One line per record set left unmarked because it clashes with a declared one. */
  clashes: string[];
}

/** Splits an adoption into what joins existing DNSZone documents (as file edits) and what needs a new manifest. */
export async function mergeAdoption(adoption: Adoption, manifests: Manifests, root: string): Promise<MergedAdoption> {
  const clashes: string[] = [];
  const texts = new Map<string, { before: string; docs: Document[] }>();
  const kept: Adoption['zones'] = [];
  const zones: Adoption['zones'] = [];
  for (const z of adoption.zones) {
    const doc = [...manifests.dnsZones.values()].find((d) => d.spec.zone === z.zone);
    if (!doc) {
      kept.push(z);
      zones.push(z);
      continue;
    }
    const path = join(root, doc.source.file);
    let file = texts.get(path);
    if (!file) {
      const before = await readFile(path, 'utf8');
      file = { before, docs: parseAllDocuments(before, { version: '1.2' }) as Document[] };
      texts.set(path, file);
    }
    const yamlDoc = documentOf(file.docs, doc.metadata.name);
    if (!yamlDoc) throw new KeelsonError(`[DNSZone/${doc.metadata.name}] not found in ${doc.source.file}, where it was read; nothing was imported`);
    const records = mergeZone(yamlDoc, doc, z.records, clashes);
    if (records.length) zones.push({ ...z, name: doc.metadata.name, records });
  }
  const edits = [...texts].map(([path, f]) => ({ path, before: f.before, after: f.docs.map(String).join('') })).filter((e) => e.after !== e.before);
  return { adoption: { ...adoption, zones }, rest: { ...adoption, zones: kept }, edits, clashes };
}

/** Records grouped as one record set each (same name, type and settings). */
function groups(records: LiveRecord[]): LiveRecord[][] {
  const out = new Map<string, LiveRecord[]>();
  for (const r of records) {
    const key = JSON.stringify([r.fqdn, r.type, r.ttl, r.proxied, r.priority, r.comment]);
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return [...out.values()];
}

/** Adds the records to the document; returns those adopted (clashing sets are named in `clashes` and left out). */
function mergeZone(yamlDoc: Document, doc: DnsZoneDoc, records: LiveRecord[], clashes: string[]): LiveRecord[] {
  const adopted: LiveRecord[] = [];
  for (const group of groups(records)) {
    const set = recordSets(group, doc.spec.zone)[0] as RecordSetManifest;
    const fqdn = set.name === '@' ? doc.spec.zone : `${set.name}.${doc.spec.zone}`;
    const declared = doc.spec.records.filter((r) => r.fqdn === fqdn && r.type === set.type);
    const label = `${fqdn} ${set.type} ${(set.values ?? [set.value]).join(', ')}`;
    if (declared.length === 0) {
      if (!yamlDoc.hasIn(['spec', 'records'])) yamlDoc.setIn(['spec', 'records'], yamlDoc.createNode([]));
      yamlDoc.addIn(['spec', 'records'], yamlDoc.createNode(set));
      adopted.push(...group);
      continue;
    }
    const d = declared[0] as DnsRecordSpec;
    const index = /^\/spec\/records\/(\d+)$/.exec(d.declaredBy.path)?.[1];
    const literal = 'values' in d.source ? d.source.values : undefined;
    if (d.declaredBy.kind !== 'DNSZone' || !literal || index === undefined || !sameSettings(set, d)) {
      clashes.push(`[DNSZone/${doc.metadata.name}] not adopted: ${label} (ttl ${set.ttl}${set.priority === undefined ? '' : `, priority ${set.priority}`}) clashes with ${relativeName(fqdn, doc.spec.zone)} ${set.type} declared by ${where(d, doc)}; it stays unmanaged (delete it at the provider, or declare it there with the same settings and import again)`);
      continue;
    }
    const entry = yamlDoc.getIn(['spec', 'records', Number(index)], true) as YAMLMap;
    const values = [...literal, ...(set.values ?? [set.value as string]).filter((v) => !literal.includes(v))];
    entry.delete('value');
    entry.set('values', yamlDoc.createNode(values));
    adopted.push(...group);
  }
  return adopted;
}
