import { describe, expect, it } from 'vitest';
import { cloudflareSdk } from '../../src/providers/cloudflare/sdk.ts';
import { classifyVultrError, parseVultrError } from '../../src/providers/vultr/errors.ts';
import { classifyCloudflareError, failureKind } from '../../src/providers/cloudflare/errors.ts';
import { isAmbiguous } from '../../src/providers/retry.ts';

const { BadRequestError, APIConnectionError, RateLimitError } = cloudflareSdk();

describe('Vultr error classification', () => {
  it('recovers the status from the SDK message "<statusText>: <body.error>"', () => {
    expect(parseVultrError(new Error('Not Found: instance not found'))).toMatchObject({ status: 404, message: 'instance not found' });
    expect(parseVultrError(new Error('Too Many Requests'))).toMatchObject({ status: 429 });
  });

  it.each([
    ['Too Many Requests: slow down', 429, true],
    ['Internal Server Error: boom', 500, true],
    ['Service Unavailable', 503, true],
    ['Bad Request: please provide only one os_id, app_id, or snapshot_id', 400, false],
    ['Unauthorized: Invalid API token.', 401, false],
  ])('%s → %d retryable=%s', (msg, status, retryable) => {
    const e = classifyVultrError(new Error(msg), 'op');
    expect(e.status).toBe(status);
    expect(e.retryable).toBe(retryable);
  });

  it('treats connection errors (node-fetch FetchError) as retryable and ambiguous', () => {
    const err = Object.assign(new Error('request to http://127.0.0.1/v2/instances failed, reason: socket hang up'), { name: 'FetchError', type: 'system', code: 'ECONNRESET' });
    const e = classifyVultrError(err, 'create instance');
    expect(e.retryable).toBe(true);
    expect(isAmbiguous(e)).toBe(true);
  });

  it.each([
    ['Bad Request: Snapshot is not ready yet. Please wait for the snapshot to complete.', 'not-ready'],
    ['Bad Request: please provide only one os_id, app_id, or snapshot_id', 'invalid'],
    ['Not Found: instance not found', 'missing'],
    ['Unauthorized: Invalid API token.', 'auth'],
    ['Forbidden: no', 'auth'],
    ['Conflict: label taken', 'duplicate'],
    ['Too Many Requests', 'rate-limit'],
    ['Bad Gateway', 'server'],
  ])('%s → reason %s (set where it is classified; callers read the reason, never the text)', (msg, reason) => {
    expect(classifyVultrError(new Error(msg), 'op').reason).toBe(reason);
  });

  it('a connection failure has the reason "connection"', () => {
    const err = Object.assign(new Error('socket hang up'), { name: 'FetchError', type: 'system', code: 'ECONNRESET' });
    expect(classifyVultrError(err, 'op').reason).toBe('connection');
  });

  it('a 429 is retryable but never ambiguous, and holds the budget', () => {
    const e = classifyVultrError(new Error('Too Many Requests: rate limit'), 'op');
    expect(isAmbiguous(e)).toBe(false);
    expect(e.opts.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('Cloudflare error classification', () => {
  it.each([
    [400, [81057], 'duplicate'],
    [400, [81058], 'duplicate'],
    [404, [81044], 'missing'],
    [400, [7003], 'missing'],
    [400, [9106], 'auth'],
    [400, [6003, 6111], 'auth'],
    [403, [10000], 'auth'],
    [429, [971], 'rate-limit'],
    [400, [971], 'rate-limit'],
    [502, [], 'server'],
    [400, [1004], 'invalid'],
  ] as const)('status %s codes %j → %s', (status, codes, kind) => {
    expect(failureKind(status, [...codes])).toBe(kind);
  });

  it('reads retry-after from a 429 and never retries a duplicate', () => {
    const rl = new RateLimitError(429, { errors: [{ code: 971, message: 'Please wait' }] }, undefined, new Headers({ 'retry-after': '7' }));
    const e = classifyCloudflareError(rl, 'list records');
    expect(e.retryable).toBe(true);
    expect(e.opts.retryAfterMs).toBe(7000);
    const dup = classifyCloudflareError(new BadRequestError(400, { errors: [{ code: 81057, message: 'Record already exists.' }] }, undefined, new Headers()), 'batch');
    expect(dup.retryable).toBe(false);
    expect(dup.opts.code).toBe(81057);
    expect([rl, dup].map((x) => classifyCloudflareError(x, 'op').reason)).toEqual(['rate-limit', 'duplicate']);
    expect(classifyCloudflareError(new APIConnectionError({ message: 'Connection error.' }), 'op').reason).toBe('connection');
  });

  it('a connection error is retryable and ambiguous (the batch may have been applied)', () => {
    const e = classifyCloudflareError(new APIConnectionError({ message: 'Connection error.' }), 'batch records');
    expect(e.retryable).toBe(true);
    expect(isAmbiguous(e)).toBe(true);
  });
});
