import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allFunctions } from '#lib/operations';
import { routesOf } from '../../scripts/deployment.ts';
import { apiUrl, newUser } from '../support/api.ts';

/**
 * Every route the registry deploys, sent hostile input: random JSON of any shape, text
 * that is not JSON, form bodies, odd query strings and path values, with a valid Google
 * token, a made-up one and none. A 5xx would mean input reached code that did not expect
 * it. Bounded: a fixed seed and a fixed number of requests per route, all on loopback.
 */
const PER_ROUTE = 12;
const SEED = 20261204;

/** A request body: JSON of any shape, or bytes that are not JSON at all. */
const bodies = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ text: JSON.stringify(value), type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: 'application/json' })),
  fc
    .dictionary(
      fc.constantFrom('grant_type', 'code', 'client_id', 'refresh_token', 'token', 'scope', 'state', 'x'),
      fc.string({ maxLength: 40 }),
    )
    .map((form) => ({ text: new URLSearchParams(form).toString(), type: 'application/x-www-form-urlencoded' })),
);
const queries = fc
  .dictionary(
    fc.constantFrom(
      'client_id',
      'redirect_uri',
      'response_type',
      'code_challenge',
      'scope',
      'resource',
      'state',
      'job_id',
      'code',
      'x',
    ),
    fc.string({ maxLength: 60 }),
  )
  .map((query) => new URLSearchParams(query).toString());
const pathValues = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constant('..'), fc.constant('%00'));

/**
 * One request from `source`, a loopback address of the route's own: per-source limits
 * (client registration) then count this test's requests apart from every other test's.
 */
function send(
  url: string,
  source: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, localAddress: source }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const routes = allFunctions.flatMap((spec) => routesOf(spec).map((route) => ({ name: spec.name, ...route })));

describe('every route, given hostile input', () => {
  it.each(routes)('$name ($method $path) never answers 5xx', async (route) => {
    const user = await newUser();
    const tokens = [user.token, 'ya29.not-a-real-token', undefined];
    const samples = fc.sample(fc.tuple(bodies, queries, pathValues, fc.nat(2)), { seed: SEED, numRuns: PER_ROUTE });
    const answers: string[] = [];
    const source = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    for (const [body, query, pathValue, tokenIndex] of samples) {
      const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(pathValue));
      const token = tokens[tokenIndex];
      const hasBody = route.method !== 'GET';
      const response = await fetch(`${apiUrl}${path}${query ? `?${query}` : ''}`, {
        method: route.method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(hasBody ? { 'content-type': body.type } : {}),
        },
        ...(hasBody ? { body: body.text } : {}),
        redirect: 'manual',
      });
      await response.arrayBuffer();
      if (response.status >= 500)
        answers.push(`${response.status} for ${JSON.stringify({ path, query, body: body.text.slice(0, 200) })}`);
    }
    expect(answers).toEqual([]);
  });
});
