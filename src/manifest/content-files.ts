/**
 * Files that manifests point at for their content (an SSHKey's `publicKeyFile`, a StartupScript's
 * `scriptFile`), read between schema validation and normalization so that normalization stays pure.
 * A path is relative to the repository root and must stay inside it, symlinks included; the usual
 * size and UTF-8 limits apply, and a key file must hold exactly one public key line.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import type { Problem } from '../errors.ts';
import { isSshPublicKey, STARTUP_SCRIPT_MAX } from '../model/ssh-key-text.ts';
import { asRaw, specOf } from './normalize-common.ts';
import { readSourceFile, type LoadLimits } from './read-files.ts';
import { problemAt, type CheckedDocument } from './validate-schema.ts';

/** File contents by the path as written in the manifest. */
export type ContentFiles = ReadonlyMap<string, string>;

const FIELDS = { SSHKey: 'publicKeyFile', StartupScript: 'scriptFile' } as const;

function inside(root: string, target: string): boolean {
  return target.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Reads every content file the checked documents name; each problem points at the field that names the file. */
export async function readContentFiles(checked: CheckedDocument[], root: string, limits: LoadLimits): Promise<{ files: Map<string, string>; problems: Problem[] }> {
  const files = new Map<string, string>();
  const problems: Problem[] = [];
  const realRoot = await realpath(root).catch(() => resolve(root));
  for (const c of checked) {
    if (c.kind !== 'SSHKey' && c.kind !== 'StartupScript') continue;
    const field = FIELDS[c.kind];
    const path = asRaw(specOf(c))[field];
    if (typeof path !== 'string') continue;
    const res = `${c.kind}/${c.name}`;
    const problem = (message: string): void => {
      problems.push(problemAt(c.raw, res, ['spec', field], message));
    };
    if (files.has(path)) continue;
    if (isAbsolute(path)) {
      problem(`"${path}" is absolute: name a file inside the repository, relative to its root`);
      continue;
    }
    const abs = resolve(root, path);
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      problem(`file "${path}" not found (paths are relative to the repository root)`);
      continue;
    }
    if (!inside(realRoot, real)) {
      problem(`"${path}" resolves outside the repository; refusing to read it`);
      continue;
    }
    if (!(await stat(real)).isFile()) {
      problem(`"${path}" is not a file`);
      continue;
    }
    const read = await readSourceFile(real, path, { ...limits, maxFileBytes: Math.min(limits.maxFileBytes, STARTUP_SCRIPT_MAX) });
    if ('problem' in read) {
      problem(`"${path}": ${read.problem.message}`);
      continue;
    }
    if (c.kind === 'SSHKey' && !isSshPublicKey(read.text)) {
      problem(`"${path}" does not hold exactly one OpenSSH public key line ("ssh-ed25519 AAAA... comment"); is it the private key?`);
      continue;
    }
    if (c.kind === 'StartupScript' && read.text.trim() === '') {
      problem(`"${path}" is empty`);
      continue;
    }
    files.set(path, read.text);
  }
  return { files, problems };
}
