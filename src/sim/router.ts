import type { Route } from './http-types.ts';

interface CompiledRoute {
  route: Route;
  segments: string[];
}

/** A match: the route and its path parameters, or the template alone when the method is wrong. */
export interface RouteMatch {
  route?: Route;
  template: string;
  params: Record<string, string>;
}

/**
 * Matches paths against `:param` templates. Literal segments beat parameters, so
 * `/v2/snapshots/create-from-url` is not taken for `/v2/snapshots/:snapshot-id`.
 */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(routes: Route[]): void {
    for (const route of routes) this.routes.push({ route, segments: route.template.split('/') });
    // More literal segments first: specific paths win over parameterized ones.
    this.routes.sort((a, b) => literalScore(b.segments) - literalScore(a.segments));
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/');
    let fallback: RouteMatch | undefined;
    for (const c of this.routes) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method === method) return { route: c.route, template: c.route.template, params };
      fallback ??= { template: c.route.template, params };
    }
    return fallback;
  }

  /** Every registered `METHOD template`, for documentation and coverage checks. */
  endpoints(): string[] {
    return this.routes.map((c) => `${c.route.method} ${c.route.template}`);
  }
}

function literalScore(segments: string[]): number {
  return segments.filter((s) => !s.startsWith(':')).length * 100 + segments.length;
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const p = parts[i] as string;
    if (t.startsWith(':')) {
      if (p === '') return undefined;
      try {
        params[t.slice(1)] = decodeURIComponent(p);
      } catch {
        return undefined;
      }
    } else if (t !== p) return undefined;
  }
  return params;
}
