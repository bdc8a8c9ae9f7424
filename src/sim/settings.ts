import type { ZonePlan } from './types.ts';

/** Simulated durations (ms of simulated time); divide by the clock speed for wall time. */
export interface SimTimings {
  /** Create from an OS image until `server_status: ok`. */
  osInstallMs: number;
  /** Create from a snapshot until `ok`; reported to take far longer than OS installs. */
  snapshotInstallMs: number;
  reinstallMs: number;
  rebootMs: number;
  resizeMs: number;
  /** Snapshot `pending` until `complete`. */
  snapshotMs: number;
  /** Reported: GET right after create may 404 for a while; 0 turns it off. */
  notFoundAfterCreateMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  osInstallMs: 5 * 60_000,
  snapshotInstallMs: 20 * 60_000,
  reinstallMs: 5 * 60_000,
  rebootMs: 60_000,
  resizeMs: 2 * 60_000,
  snapshotMs: 10 * 60_000,
  notFoundAfterCreateMs: 0,
};

/** Cloudflare limits that depend on the zone's plan (API-FACTS.md). */
export interface ZonePlanLimits {
  commentMax: number;
  tagsAllowed: boolean;
  recordsPerZone: number;
  batchMax: number;
}

/** Provider limits the simulator enforces. */
export interface SimLimits {
  zonePlans: Record<ZonePlan, ZonePlanLimits>;
  tagNameMax: number;
  tagValueMax: number;
  tagsPerRecord: number;
  vultrPerPageMax: number;
}

export const DEFAULT_LIMITS: SimLimits = {
  zonePlans: {
    free: { commentMax: 100, tagsAllowed: false, recordsPerZone: 200, batchMax: 200 },
    pro: { commentMax: 500, tagsAllowed: true, recordsPerZone: 3500, batchMax: 3500 },
    business: { commentMax: 500, tagsAllowed: true, recordsPerZone: 3500, batchMax: 3500 },
    enterprise: { commentMax: 500, tagsAllowed: true, recordsPerZone: 3500, batchMax: 3500 },
  },
  tagNameMax: 32,
  tagValueMax: 100,
  tagsPerRecord: 20,
  vultrPerPageMax: 500,
};

/** Rate limits as the real APIs apply them; `enabled: false` turns both off (e.g. for other tests). */
export interface RateLimitSettings {
  enabled: boolean;
  /** Vultr: requests per second (per IP). */
  vultrPerSecond: number;
  /** Cloudflare: requests per window (per user). */
  cloudflarePerWindow: number;
  cloudflareWindowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  vultrPerSecond: 30,
  cloudflarePerWindow: 1200,
  cloudflareWindowMs: 5 * 60_000,
};
