import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PROJECT_YAML = `apiVersion: keelson.dev/v1
kind: Project
metadata:
  name: test
spec:
  owner: test
`;

/** A throwaway repository: keelson.yaml (unless given) plus the files named, relative to the root. */
export function writeRepo(files: Record<string, string | Uint8Array>, opts: { project?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'keelson-test-'));
  const all: Record<string, string | Uint8Array> = opts.project === false ? files : { 'keelson.yaml': PROJECT_YAML, ...files };
  for (const [rel, text] of Object.entries(all)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return root;
}

/** A minimal valid Server document named `name`, with `extra` lines appended under `spec:`. */
export const serverYaml = (name: string, extra = ''): string => `apiVersion: keelson.dev/v1
kind: Server
metadata:
  name: ${name}
spec:
  region: ewr
  plan: vc2-1c-1gb
  image:
    os: Ubuntu 24.04 LTS x64
${extra}`;
