// Writes the generated parts of README.md: the manifest reference (from schemas), the CLI
// reference (from every verb's --help), the exit code tables (src/cli/exit.ts) and the fields not
// acted on yet (src/manifest/not-acted-on.ts). `npm run docs`; test/model/published.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_TABLE_END, EXIT_TABLE_START, renderExitTables } from '../src/cli/exit.ts';
import { NOT_ACTED_ON_END, NOT_ACTED_ON_START, renderNotActedOn } from '../src/manifest/not-acted-on.ts';
import { CLI_REFERENCE_END, CLI_REFERENCE_START, renderCliReference } from '../src/cli/reference.ts';
import { REFERENCE_END, REFERENCE_START, renderReference } from '../src/model/schemas/reference.ts';

function replaceBetween(text: string, startMark: string, endMark: string, body: string): string {
  const start = text.indexOf(startMark);
  const end = text.indexOf(endMark);
  if (start < 0 || end < start) throw new Error(`README.md needs ${startMark} and ${endMark}`);
  return `${text.slice(0, start + startMark.length)}\n${body}${text.slice(end)}`;
}

const path = join(import.meta.dirname, '..', 'README.md');
let text = readFileSync(path, 'utf8');
text = replaceBetween(text, REFERENCE_START, REFERENCE_END, renderReference());
text = replaceBetween(text, CLI_REFERENCE_START, CLI_REFERENCE_END, await renderCliReference());
text = replaceBetween(text, EXIT_TABLE_START, EXIT_TABLE_END, renderExitTables());
text = replaceBetween(text, NOT_ACTED_ON_START, NOT_ACTED_ON_END, renderNotActedOn());
writeFileSync(path, text);
console.log('wrote the manifest and CLI references into README.md');
