import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateSigningKeyPair } from '#lib/jobs/signing';
import { freePort } from '../../local/ports.ts';
import { LOCAL_TABLE_NAME, startLocalStack } from '../../local/stack.ts';
import { buildAll } from '../../scripts/build.ts';
import { startRecordingAwsCalls } from './aws-calls-log.ts';

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
  }
}

/** The OAuth client the broker is configured with in tests (refresh needs one). */
const GOOGLE_CLIENT_ID = 'test-client.apps.googleusercontent.com';
const GOOGLE_CLIENT_SECRET = 'test-client-secret';

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
  const stack = await startLocalStack({
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
  return () => stack.stop();
}
