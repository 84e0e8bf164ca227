/**
 * `npm start [-- --verbose]`: the whole broker on this machine with no account anywhere.
 * Checks its ports, builds the functions, starts the embedded Google emulator (unless
 * GMAIL_API_URL is set), embedded DynamoDB and serverless-offline, then prints what a
 * newcomer needs, alone: serverless-offline's own output and the functions' logs go to
 * .local/broker.log, or to the terminal with --verbose.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_USER } from '../emulator/demo.ts';
import { generateSigningKeyPair } from '../lib/agent-wire/signing.ts';
import { endpoints, operations } from '../lib/operations.ts';
import { LOCAL_HOST, type LocalPort, resolvePorts, takenPorts } from '../local/local-ports.ts';
import { startLocalStack } from '../local/stack.ts';
import { buildAll } from './build.ts';

const stateDir = fileURLToPath(new URL('../.local/', import.meta.url));
const env = process.env;

/** The broker's job-signing key for local use: made once and kept, so paired agents keep trusting it. */
async function localSigningKey(): Promise<string> {
  const file = `${stateDir}job-signing-key.pem`;
  if (existsSync(file)) return readFile(file, 'utf8');
  const { privateKey } = generateSigningKeyPair();
  await writeFile(file, privateKey, { mode: 0o600 });
  await chmod(file, 0o600);
  return privateKey;
}

/** The key sealing stored Google refresh tokens: made once and kept beside the table that needs it. */
async function localTokenKeyFile(): Promise<string> {
  const file = `${stateDir}token.key`;
  if (!existsSync(file)) await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return file;
}

const { values: flags } = parseArgs({
  options: { verbose: { type: 'boolean', short: 'v', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (flags.help) {
  console.log(`Usage: npm start [-- --verbose]

Runs the broker locally: serverless-offline, the Google emulator, dynalite. Its own output
and the functions' logs go to .local/broker.log; --verbose prints them here instead.
Ports move with PORT, WEBSOCKET_PORT, LAMBDA_PORT, EMULATOR_PORT and DYNAMODB_PORT.`);
  process.exit(0);
}

await mkdir(stateDir, { recursive: true, mode: 0o700 });
const logFile = `${stateDir}broker.log`;
let ports: Record<LocalPort, number>;
try {
  ports = resolvePorts(env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
// Checked before the build, so a taken port fails in a second with the fix, not a stack trace.
const needed: LocalPort[] = [
  'http',
  'websocket',
  'lambda',
  'dynamo',
  ...(env.GMAIL_API_URL ? [] : ['emulator' as const]),
];
const taken = await takenPorts(ports, needed);
if (taken.length) {
  for (const line of taken) console.error(line);
  process.exit(1);
}
const started = Date.now();
await buildAll();
const stack = await startLocalStack({
  httpPort: ports.http,
  lambdaPort: ports.lambda,
  websocketPort: ports.websocket,
  gmailApiUrl: env.GMAIL_API_URL,
  googleOAuthUrl: env.GOOGLE_OAUTH_URL,
  googleClientId: env.GOOGLE_CLIENT_ID,
  googleClientSecret: env.GOOGLE_CLIENT_SECRET,
  emulatorPort: ports.emulator,
  dynamoPort: ports.dynamo,
  dynamoPath: `${stateDir}dynamodb`,
  jobSigningKey: await localSigningKey(),
  tokenKeyFile: await localTokenKeyFile(),
  ...(flags.verbose ? {} : { logFile }),
}).catch((error: unknown) => {
  console.error(`The local stack did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const api = `http://${LOCAL_HOST}:${ports.http}`;
const token = stack.emulatorUrl ? DEMO_USER.token : '<your Google access token>';
console.log(`
ChatGPT broker running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API        ${api}   (reference ${api}${operations.get_docs_page.path}, OpenAPI ${api}${operations.get_openapi_document.path})
  MCP        ${api}${endpoints.mcp.routes[0]?.path}   (sign-in through the emulator's Google as ${DEMO_USER.email})
  Google     ${stack.emulatorUrl ? `the embedded emulator, demo user ${DEMO_USER.email}, demo token ${token}` : env.GMAIL_API_URL}
  Logs       ${flags.verbose ? 'below' : '.local/broker.log   (npm start -- --verbose prints them here)'}

Send a mail from the demo mailbox:
  curl -s ${api}${operations.send_email.path} -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\
    -d '{"to":"${DEMO_USER.email}","subject":"Hello from the broker","body":"It works."}'

Open apps on this computer: npm run agent:demo (in another terminal). One function: npm run invoke -- --help
Stop with Ctrl+C.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('Stopping...');
    void stack.stop().then(() => process.exit(0));
  });
}
stack.offline.process.once('exit', (code) => {
  if (!stopping) {
    console.error(`serverless offline exited (code ${code}); stopping.`);
    void stack.stop().then(() => process.exit(1));
  }
});
