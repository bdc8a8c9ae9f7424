#!/usr/bin/env node
// Runs the compiled CLI in dist/ (plain JavaScript: no TypeScript loader at start-up). `npm ci` builds it
// through the `prepare` script; after editing src/, `npm run build` (the tests rebuild it themselves).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('keelson is not built: run `npm run build` in its checkout (`npm ci` does it)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const { exitWhenFlushed } = await import(new URL('../dist/process-exit.js', import.meta.url).href);
// Exits when the verb is done, even if a socket or timer of an abandoned call remains (src/process-exit.ts).
await exitWhenFlushed(await main(process.argv));
