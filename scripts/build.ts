// `npm run build` (also `prepare`, so `npm ci` runs it): compiles src/ to dist/, only what changed, and
// precompiles the manifest schema validators and bundles the cloudflare SDK into one file.
import { relative } from 'node:path';
import { buildDist } from './build-dist.ts';
import { buildValidators } from './build-validators.ts';
import { buildVendor } from './build-vendor.ts';

const r = buildDist();
const validators = buildValidators(r.outDir);
const vendor = buildVendor(r.outDir);
const what = r.compiled.length === r.total ? 'all' : String(r.compiled.length);
console.log(`built ${relative(process.cwd(), r.outDir) || '.'}: compiled ${what} of ${r.total} modules${r.removed.length ? `, removed ${r.removed.length} stale` : ''}${validators ? ', precompiled the schema validators' : ''}${vendor ? ', bundled the cloudflare SDK' : ''}`);
