/**
 * Shared pieces of step 2 (normalization): every default written out explicitly, durations in
 * milliseconds, paths absolute. Inputs have passed their schema, so shapes are trusted here; the
 * defaults below are the ones the schemas document (test/manifest/normalize.test.ts keeps them in step).
 */
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../model/duration.ts';
import type { HealthCheck, Metadata, Selector, SourceRef, SshSettings, Ttl, Webhook } from '../model/types.ts';
import type { CheckedDocument } from './validate-schema.ts';

/** A schema-checked map, read field by field. */
export type Raw = { readonly [key: string]: unknown };

export const asRaw = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});
export const opt = <T>(r: Raw, key: string): T | undefined => r[key] as T | undefined;
export const or = <T>(r: Raw, key: string, dflt: T): T => (r[key] === undefined ? dflt : (r[key] as T));
export const dur = (r: Raw, key: string, dflt: string): number => parseDuration(or(r, key, dflt));
export const optDur = (r: Raw, key: string): number | undefined => (typeof r[key] === 'string' ? parseDuration(r[key] as string) : undefined);
export const strMap = (v: unknown): Record<string, string> => ({ ...((v as Record<string, string> | undefined) ?? {}) });

/** A checked document's spec, read field by field. */
export const specOf = (c: CheckedDocument): Raw => asRaw(asRaw(c.raw.value).spec);

/** What every normalized document carries besides kind and spec: metadata and where it came from. */
export function envelopeOf(c: CheckedDocument): { metadata: Metadata; source: SourceRef } {
  return { metadata: metadataOf(c.raw.value), source: { file: c.raw.file, line: c.raw.start.line, col: c.raw.start.col } };
}

export function metadataOf(value: unknown): Metadata {
  const m = asRaw(asRaw(value).metadata);
  return { name: m.name as string, labels: strMap(m.labels), annotations: strMap(m.annotations) };
}

export function selectorOf(v: unknown): Selector {
  return { matchLabels: strMap(asRaw(v).matchLabels) };
}

export function ttlOf(v: unknown): Ttl | undefined {
  return v === 'auto' ? 'auto' : typeof v === 'number' ? v : undefined;
}

export function healthCheckOf(v: unknown): HealthCheck {
  const r = asRaw(v);
  return {
    type: or(r, 'type', 'http'),
    port: r.port as number,
    path: or(r, 'path', '/health'),
    expectStatus: or(r, 'expectStatus', 200),
    interval: dur(r, 'interval', '5s'),
    timeout: dur(r, 'timeout', '2s'),
    healthyThreshold: or(r, 'healthyThreshold', 2),
    unhealthyThreshold: or(r, 'unhealthyThreshold', 3),
  };
}

export function webhookOf(v: unknown): Webhook {
  const r = asRaw(v);
  const secret = opt<string>(r, 'signingSecretEnv');
  return {
    url: r.url as string,
    method: or(r, 'method', 'POST'),
    headers: strMap(r.headers),
    headersFromEnv: strMap(r.headersFromEnv),
    ...(secret ? { signingSecretEnv: secret } : {}),
    timeout: dur(r, 'timeout', '10s'),
  };
}

/** The settings when neither keelson.yaml nor the manifest says anything. */
/**
 * SSH settings: the manifest's fields over keelson.yaml's `defaults.ssh` over the schema defaults.
 * Key and known-hosts files become absolute (relative ones are relative to the repository root).
 */
export function sshOf(v: unknown, base: SshSettings | undefined, root: string): SshSettings {
  const r = asRaw(v);
  const file = (p: string | undefined): string | undefined => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(root, p));
  const pick = <K extends keyof SshSettings>(key: K): SshSettings[K] | undefined => (r[key] as SshSettings[K] | undefined) ?? base?.[key];
  const optional = {
    keyFile: file(r.keyFile as string | undefined) ?? base?.keyFile,
    keyFileEnv: pick('keyFileEnv'),
    keyEnv: pick('keyEnv'),
    passphraseEnv: pick('passphraseEnv'),
  };
  return {
    user: pick('user') ?? 'root',
    port: pick('port') ?? 22,
    ...Object.fromEntries(Object.entries(optional).filter(([, x]) => x !== undefined)),
    agent: pick('agent') ?? false,
    knownHostsFile: file(r.knownHostsFile as string | undefined) ?? base?.knownHostsFile ?? resolve(root, '.keelson/known_hosts'),
    connectTimeout: optDur(r, 'connectTimeout') ?? base?.connectTimeout ?? parseDuration('10s'),
    commandTimeout: optDur(r, 'commandTimeout') ?? base?.commandTimeout ?? parseDuration('5m'),
  };
}
