import type { IncomingHttpHeaders } from 'node:http';
import type { SimClock } from './clock.ts';
import type { World } from './world.ts';
import type { ForeignRef } from './types.ts';
import type { SimLimits, SimTimings } from './settings.ts';

/** Which provider an API path belongs to. */
export type ApiName = 'vultr' | 'cloudflare';

/** A parsed request as handlers see it. */
export interface SimRequest {
  method: string;
  /** Path template with `:name` parameters, e.g. `/v2/instances/:instance-id`. */
  template: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, `undefined` when there was none. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** What a handler answers. `raw` (an encoded body) wins over `json` (pre-serialized), which wins over `body`. */
export interface SimReply {
  status: number;
  body?: unknown;
  json?: string;
  raw?: Buffer;
  headers?: Record<string, string>;
  /**
   * Set by GET handlers whose answer depends only on path, query, world revision and the simulated
   * time range [from, until): the server may then replay the encoded body instead of calling them.
   */
  cache?: { from: number; until: number };
}

/** Everything a handler may use; handlers are synchronous and mutate `world` in place. */
export interface SimContext {
  world: World;
  clock: SimClock;
  timings: SimTimings;
  limits: SimLimits;
  /** Records that this request changed a resource (so foreign touches are noticed). */
  touch(ref: ForeignRef): void;
}

export type Handler = (req: SimRequest, ctx: SimContext) => SimReply;

/** One API endpoint. */
export interface Route {
  api: ApiName;
  method: string;
  template: string;
  handler: Handler;
}
