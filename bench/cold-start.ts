import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { DEMO_USER } from '../emulator/demo.ts';
import { startGoogleEmulator } from '../emulator/server.ts';
import { generateSigningKeyPair } from '../lib/agent-wire/signing.ts';
import type { FunctionSpec } from '../lib/operations.ts';
import { SECRETS } from '../lib/secrets.ts';
import { startLocalDynamo } from '../local/dynamo.ts';
import { startLocalSsm } from '../local/ssm.ts';
import { LOCAL_GOOGLE_CLIENT, LOCAL_TABLE_NAME, temporaryTokenKeyFile } from '../local/stack.ts';
import { metafilePath } from '../scripts/build.ts';
import { deployedFunctions, deployedName, routesOf, secretParameter } from '../scripts/deployment.ts';
import { buildHttpEvent } from '../scripts/invoke/event.ts';
import { mcpFirstRequests } from './cold-start-mcp.ts';
import { median, type Row } from './report.ts';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const CHILD = fileURLToPath(new URL('./cold-start-child.mjs', import.meta.url));
const STAGE = 'bench';

/**
 * Each function's first request: a real one on its usual path (the demo user's token
 * against the emulator's demo mailbox; the table in dynalite). Functions not listed get
 * their first route with no data and no token (answered 400/401 on the request path).
 * WebSocket functions are measured at import only.
 */
const FIRST_REQUESTS: Record<string, { data?: Record<string, unknown>; token?: true }> = {
  send_email: {
    data: { to: DEMO_USER.email, subject: 'Cold start', body: 'From the cold start benchmark.' },
    token: true,
  },
  get_unread_emails: { data: { limit: 10 }, token: true },
  search_emails: { data: { query: 'is:unread', limit: 10 }, token: true },
  list_labels: { token: true },
  list_drafts: { data: { limit: 5 }, token: true },
  list_computers: { token: true },
  launch_app: { data: { app_name: 'calculator' }, token: true },
  get_launch_status: { data: { job_id: 'job_Q29sZFN0YXJ0QmVuY2gx' }, token: true },
  call_tool: { data: { name: 'get_unread_emails', arguments: { limit: 5 } }, token: true },
  register_oauth_client: {
    data: { client_name: 'Cold start bench', redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'] },
  },
};

interface ColdStart {
  import_ms: number;
  import_cpu_ms: number;
  first_request_ms: number | null;
  first_request_cpu_ms: number | null;
  status?: number;
  /** For a function given several requests (mcp): the times of those after the first. */
  later_requests_ms?: number[];
  later_requests_cpu_ms?: number[];
  later_statuses?: number[];
}

/** Per function: its bundle, its import in a fresh process and that process's first request. */
export interface FunctionColdStart {
  /** The handler file alone. */
  bundle_kib: number;
  /** The handler file and the chunks it imports statically: what its import loads. */
  import_kib: number;
  /** Every file of the function's artifact, lazy chunks included (loaded when first needed). */
  all_files_kib: number;
  import_ms: number;
  /** CPU time of the import (wall time on a shared machine also counts others' work). */
  import_cpu_ms: number;
  first_request_ms: number | null;
  /** The function's own CPU time during its first request (less swayed by a shared machine). */
  first_request_cpu_ms: number | null;
  first_request_status: number | null;
  /** mcp: its first request is tools/list; this is the read tool called right after, in the same process. */
  next_request?: { ms: number; cpu_ms: number; status: number | null };
  import_ratio: number;
  import_and_first_request_ratio: number | null;
}

async function kib(file: string): Promise<number> {
  return Math.round((await stat(file)).size / 102.4) / 10;
}

/** The handler file and every chunk it imports statically, from esbuild's metafile of the build. */
async function importKib(name: string): Promise<number> {
  const { outputs } = JSON.parse(await readFile(metafilePath(name, dist), 'utf8')) as Metafile;
  const entry = Object.keys(outputs).find((path) => path.endsWith(`${name}/index.mjs`));
  const seen = new Set<string>();
  const pending = entry ? [entry] : [];
  let bytes = 0;
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const output = outputs[path];
    if (!output) continue;
    bytes += output.bytes;
    for (const imported of output.imports)
      if (imported.kind === 'import-statement' && !imported.external) pending.push(imported.path);
  }
  return Math.round(bytes / 102.4) / 10;
}

async function folderKib(folder: string): Promise<number> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size),
  );
  return Math.round(sizes.reduce((sum, size) => sum + size, 0) / 102.4) / 10;
}

async function coldStart(file: string, event: unknown, env: NodeJS.ProcessEnv): Promise<ColdStart> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      await readFile(CHILD, 'utf8'),
      file,
      event === undefined ? '' : JSON.stringify(event),
    ],
    { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.split('\n').find((text) => text.startsWith('COLD_START '));
  if (!line) throw new Error(`no result from ${file}: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice('COLD_START '.length)) as ColdStart;
}

function eventOf(spec: FunctionSpec): unknown {
  const route = routesOf(spec)[0];
  if (!route) return undefined;
  const request = FIRST_REQUESTS[spec.name] ?? {};
  return buildHttpEvent({
    operation: { name: spec.name, method: route.method as 'GET' | 'POST', path: route.path },
    data: request.data ?? {},
    token: request.token ? DEMO_USER.token : undefined,
  });
}

/** Median of `repeats` fresh processes. */
async function medianColdStart(repeats: number, file: string, event: unknown, env: NodeJS.ProcessEnv) {
  const runs: ColdStart[] = [];
  for (let run = 0; run < repeats; run += 1) runs.push(await coldStart(file, event, env));
  const requests = runs.map((run) => run.first_request_ms).filter((ms): ms is number => ms !== null);
  const requestsCpu = runs.map((run) => run.first_request_cpu_ms).filter((ms): ms is number => ms !== null);
  const next = runs.map((run) => run.later_requests_ms?.[0]).filter((ms): ms is number => ms !== undefined);
  const nextCpu = runs.map((run) => run.later_requests_cpu_ms?.[0]).filter((ms): ms is number => ms !== undefined);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    import_ms: median(runs.map((run) => run.import_ms)),
    import_cpu_ms: median(runs.map((run) => run.import_cpu_ms)),
    first_request_ms: requests.length ? median(requests) : null,
    first_request_cpu_ms: requestsCpu.length ? round(median(requestsCpu)) : null,
    status: runs[0]?.status ?? null,
    next: next.length
      ? { ms: round(median(next)), cpu_ms: round(median(nextCpu)), status: runs[0]?.later_statuses?.[0] ?? null }
      : null,
  };
}

/**
 * Cold start per function bundle (dist/, built by the caller): bundle size, import time
 * in a fresh Node process and that process's first request (against the Google emulator,
 * dynalite and the SSM stand-in on loopback), beside a hello-world handler measured the
 * same way in the same run. Lambda's own runtime init is not included.
 */
export async function benchColdStart(repeats: number): Promise<{ rows: Row[]; results: object }> {
  const emulator = await startGoogleEmulator({ seedDemo: true });
  const dynamo = await startLocalDynamo({ tableName: LOCAL_TABLE_NAME });
  const ssm = await startLocalSsm({
    parameters: {
      [secretParameter('job_signing_key', STAGE)]: generateSigningKeyPair().privateKey,
      [secretParameter('google_client_secret', STAGE)]: LOCAL_GOOGLE_CLIENT.secret,
    },
  });
  try {
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'ERROR',
      GMAIL_API_URL: `${emulator.url}/`,
      GOOGLE_OAUTH_URL: `${emulator.url}/`,
      GOOGLE_CLIENT_ID: LOCAL_GOOGLE_CLIENT.id,
      PUBLIC_URL: 'http://localhost:3000',
      TABLE_NAME: LOCAL_TABLE_NAME,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SSM_ENDPOINT: ssm.endpoint,
      TOKEN_KEY_FILE: await temporaryTokenKeyFile(),
    };
    const hello = join(await mkdtemp(join(tmpdir(), 'bench-')), 'hello.mjs');
    await writeFile(hello, 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
    const baseline = await medianColdStart(repeats, hello, {}, common);
    const baselineTotal = baseline.import_ms + (baseline.first_request_ms ?? 0);
    const functions: Record<string, FunctionColdStart> = {};
    const rows: Row[] = [];
    for (const spec of deployedFunctions) {
      const env = {
        ...common,
        AWS_LAMBDA_FUNCTION_NAME: deployedName(STAGE, spec.name),
        ...Object.fromEntries(spec.secrets.map((secret) => [SECRETS[secret].variable, secretParameter(secret, STAGE)])),
      };
      const file = join(dist, spec.name, 'index.mjs');
      // mcp: tools/list, then a read tool, as a signed-in client (bench/cold-start-mcp.ts).
      const event = spec.name === 'mcp' ? await mcpFirstRequests(env) : eventOf(spec);
      const measured = await medianColdStart(repeats, file, event, env);
      const total = measured.first_request_ms === null ? null : measured.import_ms + measured.first_request_ms;
      const figures: FunctionColdStart = {
        bundle_kib: await kib(file),
        import_kib: await importKib(spec.name),
        all_files_kib: await folderKib(join(dist, spec.name)),
        import_ms: Math.round(measured.import_ms * 10) / 10,
        import_cpu_ms: Math.round(measured.import_cpu_ms * 10) / 10,
        first_request_ms: measured.first_request_ms === null ? null : Math.round(measured.first_request_ms * 10) / 10,
        first_request_cpu_ms: measured.first_request_cpu_ms,
        first_request_status: measured.status,
        ...(measured.next ? { next_request: measured.next } : {}),
        import_ratio: Math.round((measured.import_ms / baseline.import_ms) * 100) / 100,
        import_and_first_request_ratio: total === null ? null : Math.round((total / baselineTotal) * 100) / 100,
      };
      functions[spec.name] = figures;
      const request =
        figures.first_request_ms === null
          ? 'no HTTP request (WebSocket function)'
          : `first request ${figures.first_request_ms} ms (HTTP ${figures.first_request_status}), ${figures.import_and_first_request_ratio}x together${
              figures.next_request
                ? `; then a read tool ${figures.next_request.ms} ms (HTTP ${figures.next_request.status})`
                : ''
            }`;
      rows.push({
        name: `${spec.name}: ${figures.import_kib} KiB at import (${figures.all_files_kib} KiB with lazy chunks)`,
        value: `import ${figures.import_ms} ms; ${request}`,
        baseline: `hello-world import ${baseline.import_ms.toFixed(1)} ms, first request ${(baseline.first_request_ms ?? 0).toFixed(1)} ms`,
        ratio: figures.import_ratio,
      });
    }
    const results = {
      measured_at: new Date().toISOString(),
      node: process.version,
      repeats,
      baseline: {
        import_ms: Math.round(baseline.import_ms * 10) / 10,
        import_cpu_ms: Math.round(baseline.import_cpu_ms * 10) / 10,
        first_request_ms: Math.round((baseline.first_request_ms ?? 0) * 10) / 10,
      },
      functions,
    };
    return { rows, results };
  } finally {
    await ssm.close();
    await dynamo.close();
    await emulator.close();
  }
}
