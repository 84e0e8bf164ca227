import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports.ts';
import { LOCAL_TABLE_NAME, startLocalStack } from '../../local/stack.ts';
import { buildAll } from '../../scripts/build.ts';
import { startRecordingAwsCalls } from './aws-calls-log.ts';
import { FILE_SERVER_HOST } from './file-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    lambdaUrl: string;
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
  const stack = await startLocalStack({
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    logFile: functionLogFile,
    onAwsCall: startRecordingAwsCalls(),
    env: {
      GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET,
      LOG_LEVEL: 'DEBUG',
      LAUNCH_WAIT_MS: '4000',
      POLL_WAIT_MS: '3000',
      // The attachment tests' local file server: named by address, and allowed plain http.
      // localhost is named too, by name, to show a name resolving to loopback is refused.
      FILE_LINK_HOSTS: `files.oaiusercontent.com,${FILE_SERVER_HOST},localhost`,
      FILE_LINK_HTTP_HOSTS: `${FILE_SERVER_HOST},localhost`,
    },
  });
  if (!stack.emulatorUrl) throw new Error('the test stack must run the Google emulator');
  project.provide('apiUrl', stack.apiUrl);
  project.provide('lambdaUrl', stack.lambdaUrl);
  project.provide('emulatorUrl', stack.emulatorUrl);
  project.provide('dynamoEndpoint', stack.dynamo.endpoint);
  project.provide('tableName', LOCAL_TABLE_NAME);
  project.provide('functionLogFile', functionLogFile);
  project.provide('googleClientId', GOOGLE_CLIENT_ID);
  project.provide('googleClientSecret', GOOGLE_CLIENT_SECRET);
  return () => stack.stop();
}
