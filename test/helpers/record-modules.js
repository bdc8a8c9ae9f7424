// Preload (`node --import ./test/helpers/record-modules.js …`) that writes every module the process
// loads to the file named by KEELSON_RECORD_MODULES, one per line: ES modules as their URL (through a
// resolve hook, registered from this same file) and CommonJS modules as their path (require.cache, at
// exit). Plain JavaScript, because the process it watches runs without a TypeScript loader.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';

const out = process.env.KEELSON_RECORD_MODULES;

/** The resolve hook (runs on Node's loader thread). */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (out) appendFileSync(out, `${resolved.url}\n`);
  return resolved;
}

if (isMainThread && out) {
  register(import.meta.url);
  process.on('exit', () => {
    appendFileSync(out, `${Object.keys(createRequire(import.meta.url).cache).join('\n')}\n`);
  });
}
