import type { IncomingMessage } from 'node:http';

/** The request as route handlers see it: body already read, path parameters extracted. */
export interface RouteContext {
  req: IncomingMessage;
  method: string;
  url: URL;
  body: Buffer;
  /** Capture groups of the route's pattern, URI-decoded. */
  params: string[];
}

/** What a handler answers; throw an `HttpError` for anything else. */
export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** Anchored pattern for the path; its groups become `params`. */
  pattern: RegExp;
  handler: (context: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** The route for a method and path, with its decoded parameters, if any matches. */
export function findRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const params = match.slice(1).map((value) => {
      try {
        return decodeURIComponent(value ?? '');
      } catch {
        return value ?? '';
      }
    });
    return { route, params };
  }
  return undefined;
}
