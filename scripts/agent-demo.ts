/**
 * `npm run agent:demo`: starts the desktop agent on this computer against `npm start`'s
 * broker and pairs it to the emulator's demo user, so apps can be launched at once.
 * (A real user pairs by telling ChatGPT the code the agent prints.)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_USER } from '../emulator/demo.ts';
import { operations } from '../lib/operations.ts';
import { localUrl } from '../local/local-ports.ts';

const broker = process.env.BROKER_URL ?? localUrl('http');
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

const agent = spawn(
  process.execPath,
  [
    tsx,
    'agent/bin.ts',
    '--broker',
    broker,
    '--state-dir',
    '.local/demo-agent',
    '--name',
    'demo-computer',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);

agent.stdout.on('data', async (chunk: Buffer) => {
  process.stdout.write(chunk);
  const code = /Pairing code: (\S+)/.exec(chunk.toString())?.[1];
  if (!code) return;
  const response = await fetch(`${broker}${operations.pair_computer.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_USER.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const answer = (await response.json()) as { message?: string; error?: { message: string } };
  console.log(response.ok ? `[demo] ${answer.message}` : `[demo] pairing failed: ${answer.error?.message}`);
  if (response.ok) {
    console.log(
      `[demo] Try: curl -s ${broker}${operations.launch_app.path} -H 'Authorization: Bearer ${DEMO_USER.token}' -H 'Content-Type: application/json' -d '{"app_name":"calculator"}'`,
    );
  }
});

// Ctrl+C reaches the agent directly (same process group), and it handles it itself: the
// first finishes the job in hand, a second forces. Forwarding it too would count twice.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => agent.kill('SIGTERM'));
agent.on('exit', (code) => process.exit(code ?? 0));
