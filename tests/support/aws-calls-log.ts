import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsCall } from '../../local/aws-calls.ts';

/**
 * Where the integration run records every DynamoDB and SSM call the functions make, one
 * JSON line each. The deploy project (run after it by `npm test`) holds the roles to it.
 */
export const AWS_CALLS_FILE = fileURLToPath(new URL('../../.local/test-runs/aws-calls.jsonl', import.meta.url));

/** Starts a fresh record and returns the recorder to give the local stack. */
export function startRecordingAwsCalls(): (call: AwsCall) => void {
  mkdirSync(dirname(AWS_CALLS_FILE), { recursive: true });
  writeFileSync(AWS_CALLS_FILE, '');
  // Appended as they happen: the deploy tests read the file before this process tears down.
  return (call) => appendFileSync(AWS_CALLS_FILE, `${JSON.stringify(call)}\n`);
}

/** The calls the last integration run recorded. */
export function readAwsCalls(): AwsCall[] {
  return readFileSync(AWS_CALLS_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AwsCall);
}
