/**
 * `npm start`: the whole broker on this machine with no account anywhere. Builds the
 * functions, starts the embedded Google emulator (unless GMAIL_API_URL is set), embedded
 * DynamoDB and serverless-offline, then prints what a newcomer needs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEMO_USER } from '../emulator/demo.ts';
import { generateSigningKeyPair } from '../lib/jobs/signing.ts';
import { endpoints, operations } from '../lib/operations.ts';
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

await mkdir(stateDir, { recursive: true, mode: 0o700 });
const httpPort = Number(env.PORT ?? 3000);
const lambdaPort = Number(env.LAMBDA_PORT ?? 3002);
const websocketPort = Number(env.WEBSOCKET_PORT ?? 3001);
const started = Date.now();
await buildAll();
const stack = await startLocalStack({
  httpPort,
  lambdaPort,
  websocketPort,
  gmailApiUrl: env.GMAIL_API_URL,
  googleOAuthUrl: env.GOOGLE_OAUTH_URL,
  googleClientId: env.GOOGLE_CLIENT_ID,
  googleClientSecret: env.GOOGLE_CLIENT_SECRET,
  emulatorPort: Number(env.EMULATOR_PORT ?? 3010),
  dynamoPort: Number(env.DYNAMODB_PORT ?? 3011),
  dynamoPath: `${stateDir}dynamodb`,
  jobSigningKey: await localSigningKey(),
  tokenKeyFile: await localTokenKeyFile(),
});

const api = `http://localhost:${httpPort}`;
const token = stack.emulatorUrl ? DEMO_USER.token : '<your Google access token>';
console.log(`
ChatGPT broker running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API                 ${api}            (reference: ${api}${operations.get_docs_page.path}, OpenAPI: ${api}${operations.get_openapi_document.path})
  Agent WebSocket     ${stack.socketUrl}   (desktop agents hold it; jobs are pushed to them)
  Lambda invoke API   http://localhost:${lambdaPort}  (npm run invoke -- get_unread_emails --data '{"limit":3}' --token ${token})
  Google              ${stack.emulatorUrl ? `embedded emulator at ${stack.emulatorUrl}, demo user ${DEMO_USER.email}` : env.GMAIL_API_URL}
  DynamoDB            embedded (dynalite) at ${stack.dynamo.endpoint}, data in .local/dynamodb
  Demo token          ${token}

Send a mail from the demo mailbox:
  curl -s ${api}${operations.send_email.path} -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\
    -d '{"to":"${DEMO_USER.email}","subject":"Hello from the broker","body":"It works."}'

Read the unread inbox:
  curl -s ${api}${operations.get_unread_emails.path} -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d '{"limit":5}'

MCP (ChatGPT apps, Claude, the Responses API's mcp tool): ${api}${endpoints.mcp.routes[0]?.path}
  sign-in goes through the emulator's Google consent as ${DEMO_USER.email}, no browser needed

Launch apps on this computer: in another terminal run  npm run agent:demo
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
