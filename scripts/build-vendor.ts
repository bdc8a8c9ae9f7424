/**
 * Writes dist/vendor/cloudflare.cjs: the `cloudflare` SDK (CommonJS, about 1,166 files) bundled by
 * esbuild into one file, unchanged otherwise (no minifying, names kept). Reading and compiling one file
 * instead of 1,166 halves what loading the SDK costs every verb that talks to Cloudflare;
 * src/providers/cloudflare/sdk.ts loads it when it exists (in dist/) and the package otherwise. The
 * first line carries the versions it was made from and the hash of its body: unchanged, nothing is written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildSync, version as esbuildVersion } from 'esbuild';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Brings the bundled SDK in `outDir` (dist/) up to date; true when the file was written. */
export function buildVendor(outDir = join(import.meta.dirname, '..', 'dist')): boolean {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('cloudflare');
  const sdkVersion = (JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version: string }).version;
  const inputs = sha(JSON.stringify({ sdkVersion, esbuildVersion, builder: readFileSync(import.meta.filename, 'utf8') }));
  const file = join(outDir, 'vendor', 'cloudflare.cjs');
  if (existsSync(file)) {
    const [first = '', ...rest] = readFileSync(file, 'utf8').split('\n');
    if (first === header(sdkVersion, inputs, sha(rest.join('\n')))) return false;
  }
  const out = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, keepNames: true, logLevel: 'error' });
  const body = out.outputFiles[0]?.text;
  if (!body) throw new Error('esbuild produced no bundle of the cloudflare SDK');
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${header(sdkVersion, inputs, sha(body))}\n${body}`);
  renameSync(tmp, file);
  return true;
}

function header(sdkVersion: string, inputs: string, body: string): string {
  return `// cloudflare ${sdkVersion} bundled by scripts/build-vendor.ts (inputs ${inputs}, body ${body}); do not edit.`;
}
