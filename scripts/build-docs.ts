// Writes the manifest reference into README.md between the reference markers. `npm run docs`;
// test/model/reference.test.ts fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_END, REFERENCE_START, renderReference } from '../src/model/schemas/reference.ts';

const path = join(import.meta.dirname, '..', 'README.md');
const text = readFileSync(path, 'utf8');
const start = text.indexOf(REFERENCE_START);
const end = text.indexOf(REFERENCE_END);
if (start < 0 || end < start) throw new Error(`README.md needs ${REFERENCE_START} and ${REFERENCE_END}`);
writeFileSync(path, `${text.slice(0, start + REFERENCE_START.length)}\n${renderReference()}${text.slice(end)}`);
console.log('wrote the manifest reference into README.md');
