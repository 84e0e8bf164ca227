import { performance } from 'node:perf_hooks';
import { operations } from '#lib/operations';
import { EmulatorControl } from '../emulator/control-client.ts';
import { Browser, pkce } from '../local/browser.ts';
import { freePort } from '../local/ports.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { median, type Row } from './report.ts';

const MODERN = '2026-07-28';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
/** The operation timed both ways: a read that costs one Gmail list and a fetch per mail. */
const TOOL = operations.get_unread_emails;
const ARGUMENTS = { limit: 10 };

/** Latency of one way of calling the operation. */
interface Timing {
  /** The first call a fresh function instance answers (module load, sign-in checks, Google token), median over stacks. */
  first_call_ms: number;
  warm_p50_ms: number;
  warm_p95_ms: number;
}

/** What `npm run bench` records under `mcp`. */
export interface McpFigures {
  measured_at: string;
  operation: string;
  protocol: string;
  fresh_instances: number;
  warm_calls: number;
  mcp: Timing;
  /** The same operation through its REST route, with a Google access token, in the same run. */
  baseline: Timing & { route: string };
}

/** Signs a fresh emulator user in through the broker's MCP authorization server; returns its access token. */
async function mcpAccessToken(stack: LocalStack, control: EmulatorControl, email: string): Promise<string> {
  await control.setConsentUser(email);
  // The MCP URL as the broker publishes it (its PUBLIC_URL), which tokens are minted for.
  const metadata = await fetch(`${stack.apiUrl}/.well-known/oauth-protected-resource`);
  const { resource } = (await metadata.json()) as { resource: string };
  const registered = await fetch(`${stack.apiUrl}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'bench', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
  });
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const { verifier, challenge } = pkce();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource,
  });
  const back = await new Browser().signIn(`${stack.apiUrl}/oauth/authorize?${query}`, REDIRECT_URI);
  const token = await fetch(`${stack.apiUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      resource,
    }).toString(),
  });
  const { access_token: accessToken } = (await token.json()) as { access_token?: string };
  if (!accessToken) throw new Error(`the bench sign-in got no token (${token.status})`);
  return accessToken;
}

/** Times one call; throws unless it answered 200 with a result, so a refusal is never timed as a success. */
async function timed(send: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await send();
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200 || text.includes('"isError":true')) {
    throw new Error(`bench call answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return ms;
}

/** A 2026-07-28 tools/call, as the v2 client sends it (no handshake: one request). */
function mcpCall(stack: LocalStack, token: string): () => Promise<Response> {
  return () =>
    fetch(`${stack.apiUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': 'tools/call',
        'mcp-name': TOOL.name,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: TOOL.name,
          arguments: ARGUMENTS,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
}

function restCall(stack: LocalStack, googleToken: string): () => Promise<Response> {
  return () =>
    fetch(`${stack.apiUrl}${TOOL.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${googleToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(ARGUMENTS),
    });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** One stack: the first call each way (fresh instances of `mcp` and of the REST function), then warm calls in turn. */
async function measureStack(warmCalls: number) {
  const stack = await startLocalStack({
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    websocketPort: await freePort(),
    // The functions' own logs are not what is measured.
    logFile: '/dev/null',
  });
  try {
    if (!stack.emulatorUrl) throw new Error('the bench needs the Google emulator');
    const control = new EmulatorControl(stack.emulatorUrl);
    const user = await control.createUser({ email: `bench-mcp-${Date.now()}@example.com` });
    for (let i = 0; i < ARGUMENTS.limit; i += 1) {
      await control.seedMessage({
        email: user.email,
        raw: `From: a@example.com\r\nTo: ${user.email}\r\nSubject: Bench ${i}\r\nContent-Type: text/plain\r\n\r\nBody ${i}\r\n`,
      });
    }
    const token = await mcpAccessToken(stack, control, user.email);
    const mcp = mcpCall(stack, token);
    const rest = restCall(stack, user.token);
    // Neither function has answered yet: each first call loads a fresh instance.
    const first = { mcp: await timed(mcp), rest: await timed(rest) };
    const warm = { mcp: [] as number[], rest: [] as number[] };
    for (let i = 0; i < warmCalls; i += 1) {
      warm.mcp.push(await timed(mcp));
      warm.rest.push(await timed(rest));
    }
    return { first, warm };
  } finally {
    await stack.stop();
  }
}

/**
 * MCP tool-call latency against REST for the same operation (get_unread_emails, 10 mails),
 * through serverless-offline, dynalite and the Google emulator on loopback: the first call
 * of a fresh instance (one per started stack) and warm calls, alternating the two ways.
 */
export async function benchMcp(stacks: number, warmCalls: number): Promise<{ rows: Row[]; figures: McpFigures }> {
  const runs: Array<Awaited<ReturnType<typeof measureStack>>> = [];
  for (let i = 0; i < stacks; i += 1) runs.push(await measureStack(warmCalls));
  const timing = (way: 'mcp' | 'rest'): Timing => {
    const warm = runs.flatMap((run) => run.warm[way]);
    return {
      first_call_ms: round(median(runs.map((run) => run.first[way]))),
      warm_p50_ms: round(median(warm)),
      warm_p95_ms: round(percentile(warm, 95)),
    };
  };
  const mcp = timing('mcp');
  const rest = timing('rest');
  const figures: McpFigures = {
    measured_at: new Date().toISOString(),
    operation: TOOL.name,
    protocol: MODERN,
    fresh_instances: stacks,
    warm_calls: warmCalls * stacks,
    mcp,
    baseline: { route: `${TOOL.method} ${TOOL.path}`, ...rest },
  };
  const rows: Row[] = [
    {
      name: `MCP tools/call ${TOOL.name} (${MODERN}), first call of a fresh instance (median of ${stacks})`,
      value: `${mcp.first_call_ms} ms`,
      baseline: `REST ${TOOL.path}: ${rest.first_call_ms} ms`,
      ratio: mcp.first_call_ms / rest.first_call_ms,
    },
    {
      name: `MCP tools/call ${TOOL.name}, warm (${warmCalls * stacks} calls)`,
      value: `p50 ${mcp.warm_p50_ms} ms, p95 ${mcp.warm_p95_ms} ms`,
      baseline: `REST: p50 ${rest.warm_p50_ms} ms, p95 ${rest.warm_p95_ms} ms`,
      ratio: mcp.warm_p50_ms / rest.warm_p50_ms,
    },
  ];
  return { rows, figures };
}
