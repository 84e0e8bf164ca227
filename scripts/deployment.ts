/**
 * The deployment's functions and roles, derived from the operation registry so that an
 * operation is declared once. `npm run build` writes them to dist/deployment.json, which
 * serverless.yml includes: each function gets its route, its own bundle, the variables
 * naming the secrets it reads, and a role allowing exactly the table actions and secrets
 * its registry entry declares and writing only its own log group.
 */
import { createRequire } from 'node:module';
import { parseConfig } from '../lib/config.ts';
import { CORS } from '../lib/http/cors.ts';
import {
  allFunctions,
  type Endpoint,
  type FunctionSpec,
  type Operation,
  type SocketFunction,
} from '../lib/operations.ts';
import { SECRETS, type Secret } from '../lib/secrets.ts';
import { SERVICE } from '../lib/service.ts';
import { alarms, metricsNamespace } from './alarms.ts';
import { logicalId } from './logical-id.ts';

/** The framework's own logical ids (osls, pinned in package.json), for the resources it generates. */
const naming: {
  getHttpApiStageLogicalId(): string;
  getHttpApiRouteLogicalId(routeKey: string): string;
  getWebsocketsStageLogicalId(): string;
  getWebsocketsRouteLogicalId(routeKey: string): string;
} = createRequire(import.meta.url)('serverless/lib/plugins/aws/lib/naming.js');

/** serverless.yml's `service` (lib/service.ts): deployed functions are `<service>-<stage>-<function>`. */
export { SERVICE };

/** Every deployed function, in registry order. */
export const deployedFunctions: readonly FunctionSpec[] = allFunctions;

/** The SSM parameter holding `secret` for a stage. */
export function secretParameter(secret: Secret, stage: string): string {
  return `/${SERVICE}/${stage}/${SECRETS[secret].parameter}`;
}

/** A function's name in AWS (and in serverless-offline). */
export function deployedName(stage: string, fn: string): string {
  return `${SERVICE}-${stage}-${fn}`;
}

/** `send_email` -> `SendEmailRole`: a CloudFormation logical id. */
export function roleId(fn: string): string {
  return `${logicalId(fn)}Role`;
}

// Left for serverless to resolve, so the same file serves every stage.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a template.
const STAGE = '${sls:stage}';
const TABLE_ARN = { 'Fn::GetAtt': ['BrokerTable', 'Arn'] };
/** The KMS key sealing stored Google refresh tokens (serverless.yml's `TokenKey`). */
const TOKEN_KEY = 'TokenKey';

function isOperation(spec: FunctionSpec): spec is Operation {
  return 'path' in spec;
}

function isEndpoint(spec: FunctionSpec): spec is Endpoint {
  return 'routes' in spec;
}

function isSocketFunction(spec: FunctionSpec): spec is SocketFunction {
  return 'websocket' in spec;
}

/** Every `METHOD /path` a function answers. */
export function routesOf(spec: FunctionSpec): Array<{ method: string; path: string }> {
  if (isOperation(spec)) return [{ method: spec.method, path: spec.path }];
  if (isEndpoint(spec)) return spec.routes.map(({ method, path }) => ({ method, path }));
  return [];
}

/** A function's route keys as API Gateway names them: `POST /api/agent/register`, `$connect`. */
export function routeKeysOf(spec: FunctionSpec): string[] {
  if (isSocketFunction(spec)) return [spec.websocket];
  return routesOf(spec).map(({ method, path }) => `${method} ${path}`);
}

function functionDefinition(spec: FunctionSpec) {
  const environment: Record<string, unknown> = Object.fromEntries(
    spec.secrets.map((secret) => [SECRETS[secret].variable, secretParameter(secret, STAGE)]),
  );
  if (spec.tokenKey?.length) environment.TOKEN_KMS_KEY_ID = { Ref: TOKEN_KEY };
  environment.POWERTOOLS_METRICS_NAMESPACE = metricsNamespace(STAGE);
  return {
    handler: `dist/${spec.name}/index.handler`,
    role: roleId(spec.name),
    package: { patterns: [`dist/${spec.name}/**`] },
    ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
    ...(spec.reservedConcurrency ? { reservedConcurrency: spec.reservedConcurrency } : {}),
    environment,
    events: isSocketFunction(spec)
      ? [{ websocket: { route: spec.websocket } }]
      : routesOf(spec).map((route) => ({ httpApi: route })),
  };
}

function roleDefinition(spec: FunctionSpec) {
  const statements: object[] = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: {
        'Fn::Sub': `arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${deployedName(STAGE, spec.name)}:*`,
      },
    },
  ];
  if (spec.table.length) {
    statements.push({ Effect: 'Allow', Action: spec.table.map((action) => `dynamodb:${action}`), Resource: TABLE_ARN });
  }
  if (spec.connections.length) {
    // Only the agents' WebSocket API of this stage, only its @connections, only the methods it uses.
    statements.push({
      Effect: 'Allow',
      Action: ['execute-api:ManageConnections'],
      Resource: spec.connections.map((method) => ({
        'Fn::Sub': `arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebsocketsApi}/${STAGE}/${method}/@connections/*`,
      })),
    });
  }
  if (spec.tokenKey?.length) {
    statements.push({
      Effect: 'Allow',
      Action: spec.tokenKey.map((action) => `kms:${action}`),
      Resource: { 'Fn::GetAtt': [TOKEN_KEY, 'Arn'] },
    });
  }
  for (const secret of spec.secrets) {
    statements.push({
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: {
        'Fn::Sub': `arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${secretParameter(secret, STAGE)}`,
      },
    });
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: roleId(spec.name), PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

/**
 * How many paired agents the WebSocket limits below are sized for: their heartbeats and
 * connection renewals (lib/agent-wire/protocol.ts) take at most half of each limit
 * (tests/deploy/package.test.ts checks it). A larger fleet needs larger limits.
 */
export const SOCKET_FLEET = 10_000;

/** Requests per second API Gateway lets through a route: steady, and in a burst. */
type Limits = { rate: number; burst: number };

/**
 * What API Gateway lets through each route of the HTTP API (`http`) and of the agents'
 * WebSocket API (`socket`) whose function declares no tighter `throttle` in the registry.
 */
export const THROTTLING = {
  http: { rate: 50, burst: 100 },
  // Agents' messages ($default: collect, ack, result) and $disconnect. A message costs what
  // an HTTP request does (a Lambda call, a few DynamoDB calls), and only a paired agent's
  // connection can send one. SOCKET_FLEET's heartbeats are about 18.5 a second; the rest
  // carries each launch's ack and result.
  socket: { rate: 50, burst: 100 },
} satisfies Record<string, Limits>;

/** API Gateway's CORS answer (preflight included), from the same CORS_ORIGINS the functions read. */
function cors() {
  return {
    allowedOrigins: parseConfig(process.env).CORS_ORIGINS,
    allowedHeaders: [...CORS.headers],
    allowedMethods: [...CORS.methods],
    maxAge: CORS.maxAgeSeconds,
  };
}

/**
 * A stage's throttling: `defaults` for each route, tighter limits for those of `specs`
 * that have one. API Gateway refuses route settings naming a route that does not exist
 * yet, so the stage waits for those routes (else a first deploy could fail).
 */
function throttling(defaults: Limits, specs: readonly FunctionSpec[], routeId: (routeKey: string) => string) {
  const settings = (limits: Limits) => ({
    ThrottlingRateLimit: limits.rate,
    ThrottlingBurstLimit: limits.burst,
  });
  const limited = specs.flatMap((spec) => {
    const limits = spec.throttle;
    return limits ? routeKeysOf(spec).map((key) => [key, settings(limits)] as const) : [];
  });
  return {
    Properties: {
      DefaultRouteSettings: settings(defaults),
      RouteSettings: Object.fromEntries(limited),
    },
    DependsOn: limited.map(([key]) => routeId(key)),
  };
}

/**
 * Extensions of the two stages serverless generates. The framework merges `Properties`
 * shallowly: these replace any DefaultRouteSettings it made itself (it makes some for the
 * WebSocket stage only when `provider.logs.websocket` is set, which this service leaves off).
 */
function stageSettings() {
  return {
    [naming.getHttpApiStageLogicalId()]: throttling(
      THROTTLING.http,
      deployedFunctions.filter((spec) => !isSocketFunction(spec)),
      (key) => naming.getHttpApiRouteLogicalId(key),
    ),
    [naming.getWebsocketsStageLogicalId()]: throttling(
      THROTTLING.socket,
      deployedFunctions.filter(isSocketFunction),
      (key) => naming.getWebsocketsRouteLogicalId(key),
    ),
  };
}

/** What dist/deployment.json holds: serverless.yml's `functions`, the roles, alarms, CORS and throttling. */
export function deployment() {
  const monitoring = alarms(deployedFunctions, (fn) => deployedName(STAGE, fn), { Ref: 'BrokerTable' }, STAGE);
  return {
    cors: cors(),
    extensions: stageSettings(),
    functions: Object.fromEntries(deployedFunctions.map((spec) => [spec.name, functionDefinition(spec)])),
    resources: {
      Conditions: monitoring.Conditions,
      Resources: {
        ...Object.fromEntries(deployedFunctions.map((spec) => [roleId(spec.name), roleDefinition(spec)])),
        ...monitoring.Resources,
      },
    },
  };
}
