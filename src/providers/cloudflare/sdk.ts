/**
 * The `cloudflare` SDK, loaded once through `require`, on first use (a verb that does not talk to
 * Cloudflare never loads it). Its ESM build is ~1,000 small files; the CommonJS build loads in half the
 * time, and the build's one-file bundle of it (dist/ only) in half that again. Every user of the SDK's classes gets them from here, so `instanceof` checks see the same class
 * objects the client throws.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as CloudflareModule from 'cloudflare';

const load = createRequire(import.meta.url);
/** The same SDK bundled into one file by the build (scripts/build-vendor.ts); only dist/ has it. */
const BUNDLED = fileURLToPath(new URL('../../vendor/cloudflare.cjs', import.meta.url));
let sdk: typeof CloudflareModule | undefined;

/** The SDK, required on first use: a verb that never talks to Cloudflare never loads its 1,000 modules. */
export function cloudflareSdk(): typeof CloudflareModule {
  return (sdk ??= load(existsSync(BUNDLED) ? BUNDLED : 'cloudflare') as typeof CloudflareModule);
}

export type Cloudflare = CloudflareModule.default;
