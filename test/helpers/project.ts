/** Writes small keelson projects to temp folders and loads them, for tests that plan and apply. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadProject } from '../../src/manifest/load-project.ts';
import type { Manifests, ProjectConfig } from '../../src/model/types.ts';

export interface ServerDesc {
  name: string;
  region?: string;
  plan?: string;
  os?: string;
  labels?: Record<string, string>;
  tags?: string[];
  protect?: boolean;
}

export interface RecordDesc {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX';
  value?: string;
  values?: string[];
  servers?: string[];
  ttl?: number | 'auto';
  priority?: number;
}

export interface ProjectDesc {
  owner?: string;
  servers?: ServerDesc[];
  zones?: { name: string; zone: string; records: RecordDesc[] }[];
  safety?: { maxChangePercent?: number; minCountForPercent?: number };
  /** keelson.yaml providers.vultr.requestsPerSecond. */
  vultrRequestsPerSecond?: number;
}

export async function writeProject(desc: ProjectDesc, dir?: string): Promise<string> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'keelson-test-')));
  await mkdir(join(root, 'manifests'), { recursive: true });
  const project = { apiVersion: 'keelson.dev/v1', kind: 'Project', metadata: { name: 'test' }, spec: {
    owner: desc.owner ?? 'tester',
    ...(desc.safety && { safety: desc.safety }),
    ...(desc.vultrRequestsPerSecond && { providers: { vultr: { requestsPerSecond: desc.vultrRequestsPerSecond } } }),
  } };
  await writeFile(join(root, 'keelson.yaml'), stringify(project));
  const docs: unknown[] = [];
  for (const s of desc.servers ?? []) {
    docs.push({
      apiVersion: 'keelson.dev/v1',
      kind: 'Server',
      metadata: { name: s.name, ...(s.labels && { labels: s.labels }) },
      spec: { region: s.region ?? 'ewr', plan: s.plan ?? 'vc2-1c-1gb', image: { os: s.os ?? 'Ubuntu 24.04 LTS x64' }, ...(s.tags && { tags: s.tags }), ...(s.protect && { protect: true }) },
    });
  }
  for (const z of desc.zones ?? []) {
    docs.push({ apiVersion: 'keelson.dev/v1', kind: 'DNSZone', metadata: { name: z.name }, spec: { zone: z.zone, records: z.records } });
  }
  await writeFile(join(root, 'manifests', 'all.yaml'), docs.map((d) => stringify(d)).join('---\n') || '# empty\n');
  return root;
}

export async function loadOk(root: string): Promise<{ project: ProjectConfig; manifests: Manifests }> {
  const r = await loadProject(root);
  if (!r.ok) throw new Error(`project did not load:\n${r.problems.map((p) => `${p.file}:${p.line} ${p.path} ${p.message}`).join('\n')}`);
  return { project: r.project, manifests: r.manifests };
}
