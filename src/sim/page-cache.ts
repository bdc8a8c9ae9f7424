/** A cached response: the encoded body and when it stops being valid. */
export interface CachedPage {
  status: number;
  headers: Record<string, string> | undefined;
  body: Buffer;
}

interface Entry extends CachedPage {
  revision: number;
  /** Simulated ms range [from, until) over which the body stays right (lifecycle fields move with time). */
  from: number;
  until: number;
}

/**
 * Encoded responses of cacheable GETs (big list pages), keyed by path + query. An entry is served
 * only at the world revision it was built at and while the simulated clock is inside its validity
 * range, so a mutation or the passing of a lifecycle boundary rebuilds it. Bounded by bytes:
 * a client paging through a huge zone must not grow the simulator without limit.
 */
export class PageCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(key: string, revision: number, now: number): CachedPage | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.revision === revision && e.from <= now && now < e.until) return e;
    this.drop(key, e);
    return undefined;
  }

  set(key: string, revision: number, from: number, until: number, page: CachedPage): void {
    if (page.body.length > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    // Oldest first (Map keeps insertion order): evict until the new body fits.
    for (const [k, e] of this.entries) {
      if (this.bytes + page.body.length <= this.maxBytes) break;
      this.drop(k, e);
    }
    this.entries.set(key, { ...page, revision, from, until });
    this.bytes += page.body.length;
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.body.length;
  }
}
