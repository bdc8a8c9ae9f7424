/**
 * The front door of the pipeline: reads keelson.yaml and the manifests folder, validates them in
 * three steps (schema, normalization, cross-document rules) and returns the typed model or every
 * problem found. Pure apart from reading files: no network, no provider, nothing written.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemReason, type Problem } from '../errors.ts';
import type { Manifests, ProjectConfig } from '../model/types.ts';
import { readContentFiles } from './content-files.ts';
import { normalizeDocuments } from './normalize.ts';
import { normalizeProject } from './normalize-project.ts';
import { parseManifestFile, type RawDocument } from './parse-yaml.ts';
import { DEFAULT_LIMITS, fileProblem, loadManifestFiles, readSourceFile, type LoadLimits } from './read-files.ts';
import { checkRules, declaredNames } from './rules.ts';
import { validateDocuments } from './validate-schema.ts';

/** The project file's name at the repository root. */
export const PROJECT_FILE = 'keelson.yaml';

export type LoadResult =
  | { ok: true; project: ProjectConfig; manifests: Manifests; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings?: Problem[] };

export interface LoadOptions {
  /** The manifests folder, relative to `root` (overrides keelson.yaml's `spec.manifests`). */
  manifestsDir?: string;
  /** Caps for hostile input; the defaults suit real repositories. */
  limits?: Partial<LoadLimits>;
}

/**
 * Loads and validates the repository at `root` (the folder holding keelson.yaml). Never throws for
 * bad input: problems come back sorted by file, line and column, all of them in one run. Safe to
 * call repeatedly; each call sees the files as they are now (a file unchanged since this process read
 * it is not read again).
 */
export async function loadProject(root: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const limits: LoadLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const absRoot = resolve(root);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const rootProblem = await checkRoot(root, absRoot);
  if (rootProblem) return { ok: false, problems: [rootProblem], warnings };

  const projectPath = join(absRoot, PROJECT_FILE);
  const projectDoc = await readProjectFile(projectPath, limits, problems, warnings);
  const project = normalizeProject(projectDoc?.value ?? { spec: { owner: '' } }, absRoot, opts.manifestsDir);

  const read = await loadManifestFiles(absRoot, project.manifestsDir, limits, [projectPath]);
  problems.push(...read.problems);
  const documents: RawDocument[] = [];
  for (const file of read.files) {
    const parsed = parseManifestFile(file, limits);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
    warnings.push(...parsed.warnings);
  }
  const { valid, problems: schemaProblems } = validateDocuments(documents);
  problems.push(...schemaProblems);
  const content = await readContentFiles(valid, absRoot, limits);
  problems.push(...content.problems);
  const normalized = normalizeDocuments(valid, project, content.files);
  const rules = checkRules({ checked: valid, normalized, project, declared: declaredNames(documents) });
  problems.push(...rules.problems);
  warnings.push(...rules.warnings);

  if (problems.length > 0 || !projectDoc) return { ok: false, problems: sortProblems(problems), warnings: sortProblems(warnings) };
  return { ok: true, project, manifests: normalized.manifests, warnings: sortProblems(warnings) };
}

/** The repository folder must exist and be a folder: one clear problem instead of a failed system call later. */
async function checkRoot(shown: string, absRoot: string): Promise<Problem | undefined> {
  try {
    if ((await stat(absRoot)).isDirectory()) return undefined;
    return fileProblem(shown, 'is a file, not the repository folder (pass the folder that holds keelson.yaml)');
  } catch (err) {
    return fileProblem(shown, `cannot read the repository folder: ${systemReason(err) ?? String(err)} (pass the folder that holds keelson.yaml, e.g. --dir examples/two-region-saas)`);
  }
}

/** keelson.yaml as one schema-checked Project document, or undefined (with the problems recorded). */
async function readProjectFile(path: string, limits: LoadLimits, problems: Problem[], warnings: Problem[]): Promise<RawDocument | undefined> {
  const exists = await stat(path).then((s) => s.isFile(), () => false);
  if (!exists) {
    problems.push(fileProblem(PROJECT_FILE, `${PROJECT_FILE} not found at the repository root (pass the folder that holds it, e.g. --dir examples/two-region-saas)`));
    return undefined;
  }
  const read = await readSourceFile(path, PROJECT_FILE, limits);
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  const parsed = parseManifestFile(read, limits);
  problems.push(...parsed.problems);
  warnings.push(...parsed.warnings);
  if (parsed.documents.length > 1) {
    const extra = parsed.documents[1] as RawDocument;
    problems.push({ file: PROJECT_FILE, ...extra.start, path: '', message: `${PROJECT_FILE} holds one document (kind Project); put manifests in the manifests folder` });
  }
  const { valid, problems: schemaProblems } = validateDocuments(parsed.documents.slice(0, 1), ['Project'] as const);
  problems.push(...schemaProblems);
  return valid[0]?.raw;
}

/** Problems in a stable order: by file, then line, then column. */
export function sortProblems(list: Problem[]): Problem[] {
  return [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}
