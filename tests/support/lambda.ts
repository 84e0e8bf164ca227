import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./lambda-child.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

/** What one invocation answered, and how long the handler took (from the call to its answer). */
export interface Invoked {
  answer: APIGatewayProxyStructuredResultV2;
  elapsedMs: number;
}

/**
 * Invokes a built function (dist/<name>, built by the global setup) once, in a fresh Node
 * process with `env`, with a Lambda context whose remaining time starts at `remainingMs`:
 * the runtime's side of the boundary, built by the test. Bounded: the process is killed
 * after `killAfterMs`.
 */
export async function invokeBundle(
  name: string,
  event: APIGatewayProxyEventV2,
  options: { remainingMs: number; env: NodeJS.ProcessEnv; killAfterMs?: number },
): Promise<Invoked> {
  const { stdout } = await run(
    process.execPath,
    [child, `${dist}${name}/index.mjs`, JSON.stringify(event), String(options.remainingMs)],
    { env: { PATH: process.env.PATH, ...options.env }, timeout: options.killAfterMs ?? 30_000, maxBuffer: 8 << 20 },
  );
  const line = stdout.split('\n').find((text) => text.startsWith('INVOKED '));
  if (!line) throw new Error(`the function printed no answer:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('INVOKED '.length)) as Invoked;
}
