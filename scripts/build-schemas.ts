// Writes schemas/*.json from src/model/schemas/. `npm run schemas`; a test fails when they are stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemaFiles } from '../src/model/schemas/build.ts';

const dir = join(import.meta.dirname, '..', 'schemas');
for (const [file, text] of renderSchemaFiles()) writeFileSync(join(dir, file), text);
console.log(`wrote ${renderSchemaFiles().size} schemas to ${dir}`);
