// `npm run build` (also `prepare`, so `npm ci` runs it): compiles src/ to dist/, only what changed.
import { relative } from 'node:path';
import { buildDist } from './build-dist.ts';

const r = buildDist();
const what = r.compiled.length === r.total ? 'all' : String(r.compiled.length);
console.log(`built ${relative(process.cwd(), r.outDir) || '.'}: compiled ${what} of ${r.total} modules${r.removed.length ? `, removed ${r.removed.length} stale` : ''}`);
