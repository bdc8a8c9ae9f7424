/**
 * Compiles src/ to dist/ as plain JavaScript (one output per source, `.ts` imports rewritten to `.js`),
 * so the CLI starts without a TypeScript loader. Types are checked by `npm run typecheck`, not here:
 * every file is transpiled on its own (the sources use `verbatimModuleSyntax`, which makes that exact).
 *
 * Incremental by content: dist/.build.json records the hash of each source it compiled from, and of the
 * compiler options and this builder, so an unchanged tree compiles nothing, a changed file is recompiled
 * whatever its mtime, and the output of a removed source is deleted. A stale dist/ is never left behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface BuildOptions {
  /** The repository root holding tsconfig.build.json (default: this checkout). */
  root?: string;
}

export interface BuildResult {
  /** Sources compiled in this run (relative to the root directory of the sources). */
  compiled: string[];
  /** Outputs deleted because their source is gone. */
  removed: string[];
  /** Every source in the build. */
  total: number;
  outDir: string;
}

const MANIFEST = '.build.json';

interface Manifest {
  /** Hash of the compiler options, the TypeScript version and this file: any change rebuilds everything. */
  config: string;
  /** Source path (relative to rootDir, '/'-separated) → sha256 of its text and of the output written from it. */
  files: Record<string, { source: string; output: string }>;
}

const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

function readConfig(root: string): { options: ts.CompilerOptions; files: string[]; rootDir: string; outDir: string } {
  const path = join(root, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  });
  if (!parsed) throw new Error(`${path}: cannot be read`);
  if (parsed.errors.length) throw new Error(`${path}: ${parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
  const { rootDir, outDir } = parsed.options;
  if (!rootDir || !outDir) throw new Error(`${path}: needs rootDir and outDir`);
  // package.json says "type": "module", so every file is ESM: NodeNext would emit the same, but a file
  // transpiled on its own cannot see package.json.
  const options: ts.CompilerOptions = { ...parsed.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: false, declaration: false, sourceMap: false };
  return { options, files: parsed.fileNames.filter((f) => !f.endsWith('.d.ts')), rootDir, outDir };
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file, so a CLI started meanwhile never imports half a module. */
function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function listJs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

const outputOf = (rel: string): string => rel.replace(/\.([cm]?)ts$/, '.$1js');

/** Brings dist/ up to date with src/; throws (naming the file) on a syntax error. */
export function buildDist(opts: BuildOptions = {}): BuildResult {
  const root = opts.root ?? join(import.meta.dirname, '..');
  const { options, files, rootDir, outDir } = readConfig(root);
  const config = sha(JSON.stringify({ options, ts: ts.version, builder: readFileSync(import.meta.filename, 'utf8') }));
  const manifestFile = join(outDir, MANIFEST);
  const previous = readManifest(manifestFile);
  const known = previous?.config === config ? previous.files : {};
  const next: Manifest = { config, files: {} };
  const compiled: string[] = [];
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const file of files) {
    const rel = relative(rootDir, file).split(sep).join('/');
    const out = join(outDir, outputOf(rel));
    expected.add(out);
    const text = readFileSync(file, 'utf8');
    const hash = sha(text);
    const was = known[rel];
    // The output is hashed too: an output edited or truncated by hand is rebuilt, never trusted.
    if (was?.source === hash && existsSync(out) && sha(readFileSync(out)) === was.output) {
      next.files[rel] = was;
      continue;
    }
    const r = ts.transpileModule(text, { compilerOptions: options, fileName: file, reportDiagnostics: true });
    next.files[rel] = { source: hash, output: sha(r.outputText) };
    for (const d of r.diagnostics ?? []) {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      problems.push(`${relative(root, file)}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    writeAtomic(out, r.outputText);
    compiled.push(rel);
  }
  if (problems.length) {
    // Leave no manifest that would call the broken outputs fresh.
    rmSync(manifestFile, { force: true });
    throw new Error(`build failed:\n${[...new Set(problems)].slice(0, 20).join('\n')}`);
  }
  const removed: string[] = [];
  for (const js of listJs(outDir)) {
    if (expected.has(js)) continue;
    rmSync(js);
    removed.push(relative(outDir, js).split(sep).join('/'));
  }
  if (compiled.length || removed.length || !previous) writeAtomic(manifestFile, `${JSON.stringify(next, null, 1)}\n`);
  return { compiled, removed, total: files.length, outDir };
}
