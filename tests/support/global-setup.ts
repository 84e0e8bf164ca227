import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import { freePort } from '../../local/ports.ts';
import { LOCAL_TABLE_NAME, startLocalStack, temporaryTokenKeyFile } from '../../local/stack.ts';
import { buildAll } from '../../scripts/build.ts';
import { startRecordingAwsCalls } from './aws-calls-log.ts';
import { FILE_SERVER_HOST } from './file-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    lambdaUrl: string;
    /** The agents' WebSocket, and the `@connections` root behind it. */
    socketUrl: string;
    managementUrl: string;
    /** The broker's job-signing key (PKCS#8 PEM), to make jobs the way launch_app does. */
    jobSigningKey: string;
    emulatorUrl: string;
    dynamoEndpoint: string;
    tableName: string;
    /** File receiving every line the functions log, for the token-leak checks. */
    functionLogFile: string;
    googleClientId: string;
    googleClientSecret: string;
    /** The key file sealing stored Google refresh tokens (the tests open the table's raw items with it). */
    tokenKeyFile: string;
    /** How long a redeemed authorization code answers again with the same tokens. */
    codeReuseGraceSeconds: number;
    /** Client registrations one source address may make per hour. */
    oauthRegistrationsPerHour: number;
  }
}

/** The OAuth client the broker is configured with in tests (refresh needs one). */
const GOOGLE_CLIENT_ID = 'test-client.apps.googleusercontent.com';
const GOOGLE_CLIENT_SECRET = 'test-client-secret';
/** Short, so the replay test does not wait long for the grace to pass. */
const CODE_REUSE_GRACE_SECONDS = 2;
/**
 * Room for every test that registers from 127.0.0.1 (each MCP sign-in registers a client:
 * the suite made more than 40 by now, and the 41st got 429); the limit's own test uses other
 * loopback sources and registers this many, so it stays small.
 */
const OAUTH_REGISTRATIONS_PER_HOUR = 120;

/**
 * Builds the bundles and runs the broker once for the integration tests: the Google
 * emulator, dynalite, the SSM stand-in and serverless-offline on free loopback ports, the
 * functions' logs captured to a file and their AWS calls recorded.
 */
export default async function setup(project: TestProject) {
  await buildAll();
  const logDir = await mkdtemp(join(tmpdir(), 'broker-test-'));
  const functionLogFile = join(logDir, 'functions.log');
  const jobSigningKey = generateSigningKeyPair().privateKey;
  const websocketPort = await freePort();
  const tokenKeyFile = await temporaryTokenKeyFile();
  const stack = await startLocalStack({
    tokenKeyFile,
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    websocketPort,
    jobSigningKey,
    logFile: functionLogFile,
    onAwsCall: startRecordingAwsCalls(),
    googleClientId: GOOGLE_CLIENT_ID,
    googleClientSecret: GOOGLE_CLIENT_SECRET,
    env: {
      LOG_LEVEL: 'DEBUG',
      LAUNCH_WAIT_MS: '4000',
      OAUTH_CODE_REUSE_GRACE_SECONDS: String(CODE_REUSE_GRACE_SECONDS),
      OAUTH_REGISTRATIONS_PER_HOUR: String(OAUTH_REGISTRATIONS_PER_HOUR),
      // Every agent the suite starts registers from 127.0.0.1; the limit itself is pinned by
      // tests/unit/jobs/pairing.test.ts at its deployed default.
      AGENT_REGISTRATIONS_PER_HOUR: '1000',
      // Client ID metadata documents served by the tests on 127.0.0.1.
      OAUTH_ALLOW_LOOPBACK_HTTP: 'true',
      // The attachment tests' local file server: named by address, and allowed plain http.
      // localhost is named too, by name, to show a name resolving to loopback is refused.
      FILE_LINK_HOSTS: `files.oaiusercontent.com,${FILE_SERVER_HOST},localhost`,
      FILE_LINK_HTTP_HOSTS: `${FILE_SERVER_HOST},localhost`,
    },
  });
  if (!stack.emulatorUrl) throw new Error('the test stack must run the Google emulator');
  project.provide('apiUrl', stack.apiUrl);
  project.provide('lambdaUrl', stack.lambdaUrl);
  project.provide('socketUrl', stack.socketUrl);
  project.provide('managementUrl', stack.managementUrl);
  project.provide('jobSigningKey', jobSigningKey);
  project.provide('emulatorUrl', stack.emulatorUrl);
  project.provide('dynamoEndpoint', stack.dynamo.endpoint);
  project.provide('tableName', LOCAL_TABLE_NAME);
  project.provide('functionLogFile', functionLogFile);
  project.provide('googleClientId', GOOGLE_CLIENT_ID);
  project.provide('googleClientSecret', GOOGLE_CLIENT_SECRET);
  project.provide('tokenKeyFile', tokenKeyFile);
  project.provide('codeReuseGraceSeconds', CODE_REUSE_GRACE_SECONDS);
  project.provide('oauthRegistrationsPerHour', OAUTH_REGISTRATIONS_PER_HOUR);
  return () => stack.stop();
}
