import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/ports.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
let held: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
  held = undefined;
});

async function start(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm start, before it builds anything', () => {
  it('with a port taken, says in one line which and the variable that moves it', async () => {
    const port = await freePort();
    held = createServer();
    await new Promise<void>((resolve) => held?.listen(port, '127.0.0.1', () => resolve()));
    // Every other port free, so the one taken is the only line.
    const others = {
      WEBSOCKET_PORT: await freePort(),
      LAMBDA_PORT: await freePort(),
      EMULATOR_PORT: await freePort(),
      DYNAMODB_PORT: await freePort(),
    };
    const { code, stdout, stderr } = await start({
      PORT: String(port),
      ...Object.fromEntries(Object.entries(others).map(([name, value]) => [name, String(value)])),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `Port ${port} (the API) is in use: stop what holds it, or move it with PORT=<port> npm start`,
    ]);
    expect(stdout).toBe('');
  });

  it('refuses a port variable that is not a port', async () => {
    const { code, stderr } = await start({ LAMBDA_PORT: 'http' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('LAMBDA_PORT=http is not a port number (1-65535).');
  });
});
