import { resolve } from 'node:path';
import { DEFAULT_REBUILD_LIMITS, type LockConfig, type ProjectConfig } from '../model/types.ts';
import { asRaw, dur, or, sshOf, ttlOf } from './normalize-common.ts';

/** keelson.yaml's spec, every default filled in; `root` is the absolute repository root. */
export function normalizeProject(value: unknown, root: string, manifestsDir?: string): ProjectConfig {
  const spec = asRaw(asRaw(value).spec);
  const providers = asRaw(spec.providers);
  const vultr = asRaw(providers.vultr);
  const cloudflare = asRaw(providers.cloudflare);
  const safety = asRaw(spec.safety);
  const defaults = asRaw(spec.defaults);
  const rebuilds = asRaw(spec.rebuilds);
  const lock = asRaw(spec.lock);
  const region = defaults.region as string | undefined;
  return {
    root,
    owner: spec.owner as string,
    manifestsDir: resolve(root, manifestsDir ?? or(spec, 'manifests', 'manifests')),
    providers: {
      vultr: {
        apiKeyEnv: or(vultr, 'apiKeyEnv', 'VULTR_API_KEY'),
        baseUrlEnv: or(vultr, 'baseUrlEnv', 'VULTR_BASE_URL'),
        requestsPerSecond: or(vultr, 'requestsPerSecond', 25),
      },
      cloudflare: {
        apiTokenEnv: or(cloudflare, 'apiTokenEnv', 'CLOUDFLARE_API_TOKEN'),
        baseUrlEnv: or(cloudflare, 'baseUrlEnv', 'CLOUDFLARE_BASE_URL'),
        requestsPerFiveMinutes: or(cloudflare, 'requestsPerFiveMinutes', 1100),
      },
    },
    safety: { maxChangePercent: or(safety, 'maxChangePercent', 30), minCountForPercent: or(safety, 'minCountForPercent', 10) },
    rebuilds: {
      maxConcurrent: or(rebuilds, 'maxConcurrent', DEFAULT_REBUILD_LIMITS.maxConcurrent),
      maxPerRegion: or(rebuilds, 'maxPerRegion', DEFAULT_REBUILD_LIMITS.maxPerRegion),
    },
    defaults: {
      ...(region ? { region } : {}),
      sshKeys: [...or<string[]>(defaults, 'sshKeys', [])],
      dnsTtl: ttlOf(defaults.dnsTtl) ?? 'auto',
      ssh: sshOf(defaults.ssh, undefined, root),
    },
    lock: lockOf(lock),
  };
}

function lockOf(lock: Record<string, unknown>): LockConfig {
  const ttlMs = dur(lock, 'ttl', '2m');
  return {
    backend: or(lock, 'backend', 'git'),
    remote: or(lock, 'remote', 'origin'),
    ref: or(lock, 'ref', 'refs/keelson/lock'),
    ttlMs,
    renewMs: typeof lock.renew === 'string' ? dur(lock, 'renew', '0s') : Math.floor(ttlMs / 4),
    waitMs: dur(lock, 'wait', '0s'),
  };
}
