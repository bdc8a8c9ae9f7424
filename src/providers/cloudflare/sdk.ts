/**
 * The `cloudflare` SDK, loaded once through `require`. Its ESM build is ~1,000 small files, which
 * the TypeScript loader (tsx) would intercept one by one: loading the CommonJS build instead halves
 * the start-up time of every keelson command. Every user of the SDK's classes imports them from here,
 * so `instanceof` checks see the same class objects the client throws.
 */
import { createRequire } from 'node:module';
import type * as CloudflareModule from 'cloudflare';

const load = createRequire(import.meta.url);
const sdk = load('cloudflare') as typeof CloudflareModule;

export const Cloudflare = sdk.default;
export type Cloudflare = CloudflareModule.default;
export const { APIError, APIConnectionError, BadRequestError, RateLimitError } = sdk;
