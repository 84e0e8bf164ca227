/**
 * The deployment's functions and roles, derived from the operation registry so that an
 * operation is declared once. `npm run build` writes them to dist/deployment.json, which
 * serverless.yml includes: each function gets its route, its own bundle, the variables
 * naming the secrets it reads, and a role allowing exactly the table actions and secrets
 * its registry entry declares and writing only its own log group.
 */
import { allFunctions, type FunctionSpec, type Operation, type SocketFunction } from '../lib/operations.ts';
import { SECRETS, type Secret } from '../lib/secrets.ts';

/** serverless.yml's `service`: deployed functions are `<service>-<stage>-<function>`. */
export const SERVICE = 'chatgpt-broker';

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
  return `${fn.replace(/(^|_)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase())}Role`;
}

// Left for serverless to resolve, so the same file serves every stage.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a template.
const STAGE = '${sls:stage}';
const TABLE_ARN = { 'Fn::GetAtt': ['BrokerTable', 'Arn'] };

function isOperation(spec: FunctionSpec): spec is Operation {
  return 'path' in spec;
}

function isSocketFunction(spec: FunctionSpec): spec is SocketFunction {
  return 'websocket' in spec;
}

function eventsOf(spec: FunctionSpec): object[] {
  if (isOperation(spec)) return [{ httpApi: { method: spec.method, path: spec.path } }];
  if (isSocketFunction(spec)) return [{ websocket: { route: spec.websocket } }];
  return [];
}

function functionDefinition(spec: FunctionSpec) {
  const environment = Object.fromEntries(
    spec.secrets.map((secret) => [SECRETS[secret].variable, secretParameter(secret, STAGE)]),
  );
  return {
    handler: `dist/${spec.name}/index.handler`,
    role: roleId(spec.name),
    package: { patterns: [`dist/${spec.name}/**`] },
    ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
    ...(Object.keys(environment).length ? { environment } : {}),
    events: eventsOf(spec),
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
  if (spec.pushes) {
    // Only the agents' WebSocket API of this stage, only its @connections.
    statements.push({
      Effect: 'Allow',
      Action: ['execute-api:ManageConnections'],
      Resource: {
        'Fn::Sub': `arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebsocketsApi}/${STAGE}/POST/@connections/*`,
      },
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

/** What dist/deployment.json holds: serverless.yml's `functions` and the roles for `resources`. */
export function deployment() {
  return {
    functions: Object.fromEntries(deployedFunctions.map((spec) => [spec.name, functionDefinition(spec)])),
    resources: {
      Resources: Object.fromEntries(deployedFunctions.map((spec) => [roleId(spec.name), roleDefinition(spec)])),
    },
  };
}
