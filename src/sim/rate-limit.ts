import type { ApiName } from './http-types.ts';
import type { RateLimitSettings } from './settings.ts';

/** The verdict for one call: headers to send either way, and `retryAfterS` when refused. */
export interface RateVerdict {
  ok: boolean;
  retryAfterS: number;
  headers: Record<string, string>;
}

/**
 * The providers' limits: Vultr a sliding one-second window per client, Cloudflare a fixed window
 * (1,200 per 5 minutes) that, once used up, refuses everything until it ends. Refused calls do not
 * count against the window.
 */
export class RateLimiter {
  private vultrTimes: number[] = [];
  private cfWindowStart = -Infinity;
  private cfCount = 0;

  constructor(
    public settings: RateLimitSettings,
    private readonly now: () => number,
  ) {}

  check(api: ApiName): RateVerdict {
    if (!this.settings.enabled) return { ok: true, retryAfterS: 0, headers: {} };
    return api === 'vultr' ? this.vultr() : this.cloudflare();
  }

  private vultr(): RateVerdict {
    const t = this.now();
    while (this.vultrTimes.length > 0 && (this.vultrTimes[0] as number) <= t - 1000) this.vultrTimes.shift();
    if (this.vultrTimes.length >= this.settings.vultrPerSecond) {
      const retryAfterS = Math.max(1, Math.ceil(((this.vultrTimes[0] as number) + 1000 - t) / 1000));
      return { ok: false, retryAfterS, headers: { 'retry-after': String(retryAfterS) } };
    }
    this.vultrTimes.push(t);
    return { ok: true, retryAfterS: 0, headers: {} };
  }

  private cloudflare(): RateVerdict {
    const t = this.now();
    const { cloudflarePerWindow: limit, cloudflareWindowMs: windowMs } = this.settings;
    if (t >= this.cfWindowStart + windowMs) {
      this.cfWindowStart = t;
      this.cfCount = 0;
    }
    const resetS = Math.max(1, Math.ceil((this.cfWindowStart + windowMs - t) / 1000));
    const headers = (remaining: number) => ({
      'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetS),
    });
    if (this.cfCount >= limit) return { ok: false, retryAfterS: resetS, headers: { ...headers(0), 'retry-after': String(resetS) } };
    this.cfCount++;
    return { ok: true, retryAfterS: 0, headers: headers(limit - this.cfCount) };
  }

  reset(): void {
    this.vultrTimes = [];
    this.cfWindowStart = -Infinity;
    this.cfCount = 0;
  }
}
