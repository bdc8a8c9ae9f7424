import { VULTR_ERRORS, VultrFailure } from './errors.ts';

/** The JSON body as an object; Vultr answers 400 to anything else. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new VultrFailure(400, VULTR_ERRORS.invalidJson);
  return body as Record<string, unknown>;
}

export function optString(b: Record<string, unknown>, name: string): string | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new VultrFailure(400, VULTR_ERRORS.invalidField(name));
  return v;
}

export function reqString(b: Record<string, unknown>, name: string): string {
  const v = optString(b, name);
  if (v === undefined || v === '') throw new VultrFailure(400, VULTR_ERRORS.missingField(name));
  return v;
}

export function optBool(b: Record<string, unknown>, name: string): boolean | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new VultrFailure(400, VULTR_ERRORS.invalidField(name));
  return v;
}

export function optStringArray(b: Record<string, unknown>, name: string): string[] | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new VultrFailure(400, VULTR_ERRORS.invalidField(name));
  return v as string[];
}

/** An integer id; numeric strings are accepted as the real API does (the SDK sends `os_id` as a string). */
export function optIntId(b: Record<string, unknown>, name: string): number | undefined {
  const v = b[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new VultrFailure(400, VULTR_ERRORS.invalidField(name));
  return n;
}
