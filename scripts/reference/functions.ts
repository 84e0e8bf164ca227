/**
 * docs/reference/functions.md: every deployed function with its routes, what its role may
 * touch, the secrets it reads, its limits and its alarms, from the registry and the
 * deployment derived from it.
 */
import { allFunctions, type FunctionSpec } from '../../lib/operations.ts';
import { routeKeysOf, secretParameter, THROTTLING } from '../deployment.ts';
import { codes, GENERATED, table } from './markdown.ts';

function touches(spec: FunctionSpec): string {
  const parts = [
    ...spec.table.map((action) => `dynamodb:${action}`),
    ...(spec.tokenKey ?? []).map((action) => `kms:${action}`),
    ...spec.connections.map((method) => `@connections ${method}`),
  ];
  return codes(parts);
}

function limits(spec: FunctionSpec): string {
  const throttle = spec.throttle;
  return [
    throttle ? `${throttle.rate}/s (burst ${throttle.burst})` : '',
    spec.memorySize ? `${spec.memorySize} MB` : '',
    spec.reservedConcurrency ? `at most ${spec.reservedConcurrency} at once` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function functionsPage(): string {
  return `${GENERATED}
# Functions

Each is one Lambda (\`chatgpt-broker-<stage>-<function>\`) with a role of its own that may
write its own log group and do what this table lists, nothing else. Routes without a
limit of their own get the stage's: ${THROTTLING.http.rate} requests a second (burst ${THROTTLING.http.burst}) on the HTTP API,
${THROTTLING.socket.rate} (burst ${THROTTLING.socket.burst}) on the agents' WebSocket API. With alarms on
(\`--alarm-email\`), each function's errors and throttles are alarmed.

${table(
  ['function', 'routes', 'may touch', 'secrets (SSM parameter)', 'limits'],
  allFunctions.map((spec) => [
    `\`${spec.name}\``,
    codes(routeKeysOf(spec)),
    touches(spec),
    codes(spec.secrets.map((secret) => secretParameter(secret, '<stage>'))),
    limits(spec) || '—',
  ]),
)}
`;
}
