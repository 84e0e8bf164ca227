import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_HEARTBEAT_MS, SOCKET_RENEW_MS } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import { parseConfig } from '#lib/config';
import { METRIC } from '#lib/metrics';
import { endpoints, operations, socketFunctions } from '#lib/operations';
import { SECRETS, type Secret } from '#lib/secrets';
import { SERVICE } from '#lib/service';
import { TABLE_ATTRIBUTES } from '#lib/store/table';
import { ALARM_CONDITION, ALARM_TOPIC, metricsNamespace } from '../../scripts/alarms.ts';
import { buildAll } from '../../scripts/build.ts';
import {
  deployedFunctions,
  deployedName,
  routeKeysOf,
  routesOf,
  SOCKET_FLEET,
  secretParameter,
  THROTTLING,
} from '../../scripts/deployment.ts';
import { AWS_CALLS_FILE, readAwsCalls } from '../support/aws-calls-log.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const CLIENT_SECRET = 'GOCSPX-package-test-client-secret';
const ALARM_EMAIL = 'ops@example.com';
const SIGNING_KEY = generateSigningKeyPair().privateKey;

type Resource = { Type: string; Properties: Record<string, any>; Condition?: string };
let template: { Resources: Record<string, Resource>; Conditions: Record<string, any> };
let packageDir: string;
let functionNames: string[];

function lambdaOf(name: string): Resource {
  const entry = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.FunctionName).endsWith(`-${name}`),
  );
  if (!entry) throw new Error(`no Lambda for ${name}`);
  return entry;
}

/** The logical id of the stage of the API `api` (`HttpApi`, `WebsocketsApi`). */
function stageIdOf(api: string): string {
  const stage = Object.entries(template.Resources).find(
    ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Stage' && resource.Properties.ApiId?.Ref === api,
  );
  if (!stage) throw new Error(`no stage for ${api}`);
  return stage[0];
}

function stageOf(api: string): Resource {
  return template.Resources[stageIdOf(api)] as Resource;
}

/**
 * Every resource CloudFormation creates before `id`: those it names in DependsOn, Ref or
 * Fn::GetAtt, and theirs in turn.
 */
function waitsFor(id: string, found = new Set<string>()): Set<string> {
  const resource = template.Resources[id] as Resource & { DependsOn?: string | string[] };
  const named = [resource.DependsOn ?? []].flat();
  JSON.stringify(resource.Properties, (key, value) => {
    if (key === 'Ref' && typeof value === 'string') named.push(value);
    if (key === 'Fn::GetAtt' && Array.isArray(value)) named.push(String(value[0]));
    return value;
  });
  for (const other of named) {
    if (other in template.Resources && !found.has(other)) {
      found.add(other);
      waitsFor(other, found);
    }
  }
  return found;
}

/** API Gateway refuses route settings for a route that does not exist yet: the stage must wait for each. */
function expectRoutesBefore(api: string): void {
  const stage = stageIdOf(api);
  const before = waitsFor(stage);
  for (const key of Object.keys(stageOf(api).Properties.RouteSettings)) {
    const route = Object.keys(template.Resources).find(
      (id) =>
        template.Resources[id]?.Type === 'AWS::ApiGatewayV2::Route' &&
        template.Resources[id]?.Properties.RouteKey === key &&
        template.Resources[id]?.Properties.ApiId?.Ref === api,
    );
    expect(route, key).toBeDefined();
    expect(before.has(route as string), `${stage} may be created before route ${key}`).toBe(true);
  }
}

function throttlingOf(limits: { rate: number; burst: number } | undefined) {
  return { ThrottlingRateLimit: limits?.rate, ThrottlingBurstLimit: limits?.burst };
}

function statementsOf(lambda: Resource): Array<{ Action: string[]; Resource: unknown }> {
  const roleName = lambda.Properties.Role['Fn::GetAtt'][0] as string;
  const role = template.Resources[roleName] as Resource;
  expect(role.Type).toBe('AWS::IAM::Role');
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
}

/**
 * No function's environment holds `secret` itself (the deployer's shell had it as
 * `shellVariable`); the functions whose registry entry names it get its SSM parameter's
 * name, under the variable lib/secrets.ts reads, and the others get nothing.
 */
function expectParameterNameOnly(secret: Secret, shellVariable: string): void {
  for (const name of functionNames) {
    const variables = lambdaOf(name).Properties.Environment?.Variables ?? {};
    expect(variables[shellVariable], name).toBeUndefined();
    const named = deployedFunctions.find((spec) => spec.name === name)?.secrets.includes(secret);
    expect(variables[SECRETS[secret].variable], name).toBe(named ? secretParameter(secret, 'ci') : undefined);
  }
}

beforeAll(async () => {
  functionNames = await buildAll();
  packageDir = await mkdtemp(join(tmpdir(), 'broker-package-'));
  await run(
    process.execPath,
    [join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'ci', '--package', packageDir],
    {
      cwd: root,
      // Packaging talks to no AWS service, but the framework wants credentials to exist.
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'packaging',
        AWS_SECRET_ACCESS_KEY: 'packaging',
        // A deployer's shell may hold these; none of them may reach anything packaged.
        GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
        JOB_SIGNING_KEY: SIGNING_KEY,
        ALARM_EMAIL,
      },
    },
  );
  template = JSON.parse(await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 120_000);

describe('serverless package', () => {
  it('declares every registry function, on arm64 and nodejs22.x, behind its own route', () => {
    expect([...functionNames].sort()).toEqual(deployedFunctions.map((spec) => spec.name).sort());
    const routes = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map((route) => route.Properties.RouteKey);
    expect(routes.sort()).toEqual(deployedFunctions.flatMap(routeKeysOf).sort());
    for (const name of functionNames) {
      const lambda = lambdaOf(name);
      expect(lambda.Properties.FunctionName, name).toBe(deployedName('ci', name));
      expect(lambda.Properties.Runtime, name).toBe('nodejs22.x');
      expect(lambda.Properties.Architectures, name).toEqual(['arm64']);
      expect(lambda.Properties.Handler, name).toBe(`dist/${name}/index.handler`);
    }
  });

  it('gives each function a role of its own, with no wildcard, writing only its own log group', () => {
    const roles = new Set<string>();
    for (const name of functionNames) {
      const lambda = lambdaOf(name);
      roles.add(lambda.Properties.Role['Fn::GetAtt'][0]);
      for (const statement of statementsOf(lambda)) {
        expect(
          statement.Action.some((action) => action.endsWith('*')),
          `${name} has a wildcard action`,
        ).toBe(false);
        expect(JSON.stringify(statement.Resource), `${name} has a wildcard resource`).not.toMatch(/"\*"|:\*:/);
        if (statement.Action.some((action) => action.startsWith('logs:'))) {
          expect(JSON.stringify(statement.Resource), name).toContain(`/aws/lambda/${deployedName('ci', name)}:*`);
        }
      }
    }
    expect(roles.size).toBe(functionNames.length);
  });

  // IAM from use: the integration run (before this project in `npm test`) records every
  // DynamoDB and SSM call each function makes; a role that grants more or less fails here.
  it('grants each function exactly the table and SSM actions it was seen to use', () => {
    // Calls without a function name are the test harness's own (creating the table, checks).
    const calls = readAwsCalls().filter((call) => call.function !== undefined);
    expect(calls.length, `no calls recorded in ${AWS_CALLS_FILE}: run the integration tests first`).toBeGreaterThan(0);
    const stranger = calls.find((call) => !functionNames.some((name) => call.function === deployedName('dev', name)));
    expect(stranger, 'a call from no known function').toBeUndefined();
    for (const name of functionNames) {
      const used = new Set(
        calls
          .filter((call) => call.function === deployedName('dev', name))
          .map((call) => `${call.service}:${call.action}`),
      );
      // KMS has no local stand-in (a key file seals offline): its grants are checked below.
      const granted = new Set(
        statementsOf(lambdaOf(name))
          .flatMap((statement) => statement.Action)
          .filter((action) => !action.startsWith('logs:') && !action.startsWith('kms:')),
      );
      expect([...granted].sort(), name).toEqual([...used].sort());
    }
  });

  it("tells agents the stage's WebSocket API and lets functions use its connections only as they declare", () => {
    const api = Object.entries(template.Resources).find(
      ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api' && resource.Properties.ProtocolType === 'WEBSOCKET',
    );
    expect(api?.[0]).toBe('WebsocketsApi');
    expect(api?.[1].Properties.RouteSelectionExpression).toBe('$request.body.action');
    for (const name of functionNames) {
      const variables = lambdaOf(name).Properties.Environment?.Variables ?? {};
      expect(JSON.stringify(variables.AGENT_SOCKET_URL), name).toMatch(/"wss:\/\/",\{"Ref":"WebsocketsApi"\}/);
      expect(JSON.stringify(variables.WEBSOCKET_MANAGEMENT_URL), name).toMatch(
        /"https:\/\/",\{"Ref":"WebsocketsApi"\}/,
      );
      const grants = statementsOf(lambdaOf(name)).filter((statement) =>
        statement.Action.includes('execute-api:ManageConnections'),
      );
      const declared = deployedFunctions.find((spec) => spec.name === name)?.connections ?? [];
      expect(grants.length, name).toBe(declared.length > 0 ? 1 : 0);
      for (const statement of grants) {
        // The stage's own WebSocket API, only its @connections, only the declared methods.
        const methods = [statement.Resource].flat().map((resource) => {
          const arn = (resource as { 'Fn::Sub': string })['Fn::Sub'];
          const match = /\$\{WebsocketsApi\}\/ci\/(\w+)\/@connections\/\*$/.exec(arn);
          expect(match, `${name}: ${JSON.stringify(resource)}`).not.toBeNull();
          return match?.[1];
        });
        expect(methods.sort(), name).toEqual([...declared].sort());
      }
    }
  });

  it('lets only the functions that seal or open Google refresh tokens use the token key, for just that', () => {
    for (const spec of deployedFunctions) {
      const lambda = lambdaOf(spec.name);
      const kms = statementsOf(lambda).filter((statement) =>
        statement.Action.some((action) => action.startsWith('kms:')),
      );
      expect(kms.flatMap((statement) => statement.Action).sort(), spec.name).toEqual(
        (spec.tokenKey ?? []).map((action) => `kms:${action}`).sort(),
      );
      for (const statement of kms) expect(statement.Resource, spec.name).toEqual({ 'Fn::GetAtt': ['TokenKey', 'Arn'] });
      const variables = lambda.Properties.Environment?.Variables ?? {};
      expect(variables.TOKEN_KMS_KEY_ID, spec.name).toEqual(spec.tokenKey?.length ? { Ref: 'TokenKey' } : undefined);
    }
  });

  it('gives mcp, the busiest function, neither the Google client secret nor the token key', () => {
    // Its tool calls use the Google token sealed in the broker token (lib/oauth/grant-access.ts).
    const mcp = lambdaOf('mcp');
    const actions = statementsOf(mcp).flatMap((statement) => statement.Action);
    expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
    const parameters = JSON.stringify(
      statementsOf(mcp).filter((statement) => statement.Action.includes('ssm:GetParameter')),
    );
    expect(parameters).not.toContain(SECRETS.google_client_secret.parameter);
    expect(parameters).toContain(SECRETS.job_signing_key.parameter);
    const variables = mcp.Properties.Environment?.Variables ?? {};
    expect(variables.TOKEN_KMS_KEY_ID).toBeUndefined();
    expect(variables[SECRETS.google_client_secret.variable]).toBeUndefined();
  });

  it('keeps the signing key out of the template: only the functions that sign get the parameter name', () => {
    expect(JSON.stringify(template)).not.toMatch(/PRIVATE KEY/);
    expectParameterNameOnly('job_signing_key', 'JOB_SIGNING_KEY');
  });

  it('writes neither the Google client secret nor a signing key from the environment into any packaged file', async () => {
    const texts: Array<[string, string]> = [];
    for (const file of await readdir(packageDir)) {
      const path = join(packageDir, file);
      if (file.endsWith('.zip')) {
        for (const entry of new AdmZip(path).getEntries())
          texts.push([`${file}:${entry.entryName}`, entry.getData().toString('utf8')]);
      } else texts.push([file, await readFile(path, 'utf8')]);
    }
    expect(texts.length).toBeGreaterThan(functionNames.length);
    const keyBody = SIGNING_KEY.split('\n')[1] ?? SIGNING_KEY;
    for (const [file, text] of texts) {
      expect(text.includes(CLIENT_SECRET), `${file} holds the client secret`).toBe(false);
      expect(text.includes(keyBody), `${file} holds the signing key`).toBe(false);
      expect(text, file).not.toMatch(/PRIVATE KEY-----/);
    }
    expectParameterNameOnly('google_client_secret', 'GOOGLE_CLIENT_SECRET');
  });

  it('hardens the API and the table: throttling, CORS from CORS_ORIGINS, bounded registration, a retained table', () => {
    // The HTTP API's stage (the agents' WebSocket API has its own, below).
    const stage = stageOf('HttpApi');
    expect(stage.Properties.DefaultRouteSettings).toEqual(throttlingOf(THROTTLING.http));
    const register = operations.register_agent;
    expect(stage.Properties.RouteSettings[`${register.method} ${register.path}`]).toEqual(
      throttlingOf(operations.register_agent.throttle),
    );
    const api = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::ApiGatewayV2::Api' && resource.Properties.ProtocolType === 'HTTP',
    );
    expect(api?.Properties.CorsConfiguration.AllowOrigins).toEqual(parseConfig({}).CORS_ORIGINS);
    expect(api?.Properties.CorsConfiguration.AllowHeaders).toContain('Authorization');
    const [registration] = routesOf(endpoints.register_oauth_client);
    expect(stage.Properties.RouteSettings[`${registration?.method} ${registration?.path}`]).toEqual(
      throttlingOf(endpoints.register_oauth_client.throttle),
    );
    expect(lambdaOf('register_agent').Properties.ReservedConcurrentExecutions).toBe(register.reservedConcurrency);
    const table = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::DynamoDB::Table',
    ) as Resource & {
      DeletionPolicy?: string;
    };
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it("throttles the agents' WebSocket API: every message, and the unauthenticated connect tighter", () => {
    const stage = stageOf('WebsocketsApi');
    expect(stage.Properties.StageName).toBe('ci');
    // Exactly these: nothing else (data-trace logging, say) rides on the default settings.
    expect(stage.Properties.DefaultRouteSettings).toEqual(throttlingOf(THROTTLING.socket));
    const connect = socketFunctions.agent_socket_connect;
    expect(stage.Properties.RouteSettings).toEqual({
      [connect.websocket]: throttlingOf(connect.throttle),
    });
    expect(connect.throttle?.rate).toBeLessThan(THROTTLING.socket.rate);
  });

  it('creates each stage after every route its throttling names', () => {
    for (const api of ['HttpApi', 'WebsocketsApi']) {
      expect(Object.keys(stageOf(api).Properties.RouteSettings).length, api).toBeGreaterThan(0);
      expectRoutesBefore(api);
    }
  });

  it('leaves room under the WebSocket limits for the heartbeats and renewals of the fleet they are sized for', () => {
    const perSecond = (intervalMs: number) => (SOCKET_FLEET * 1000) / intervalMs;
    expect(perSecond(SOCKET_HEARTBEAT_MS)).toBeLessThanOrEqual(THROTTLING.socket.rate / 2);
    const connect = socketFunctions.agent_socket_connect.throttle;
    expect(perSecond(SOCKET_RENEW_MS)).toBeLessThanOrEqual((connect?.rate ?? 0) / 2);
  });

  it('creates the table on demand with TTL on the ttl attribute', () => {
    const tables = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = tables[0] as Resource;
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_ATTRIBUTES.ttl, Enabled: true });
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_ATTRIBUTES.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_ATTRIBUTES.sort, KeyType: 'RANGE' },
    ]);
  });

  it('builds one artifact per function holding only its own bundle', async () => {
    const zips = (await readdir(packageDir)).filter((file) => file.endsWith('.zip'));
    expect(zips.map((file) => file.replace(/\.zip$/, '')).sort()).toEqual([...functionNames].sort());
    for (const name of functionNames) {
      const entries = new AdmZip(join(packageDir, `${name}.zip`)).getEntries().filter((entry) => !entry.isDirectory);
      const files = entries.map((entry) => entry.entryName);
      // The handler's module and the chunks it loads when first needed (scripts/build.ts).
      expect(files, name).toContain(`dist/${name}/index.mjs`);
      expect(
        files.filter((file) => file !== `dist/${name}/index.mjs`),
        name,
      ).toEqual(files.filter((file) => new RegExp(`^dist/${name}/chunks/[\\w-]+\\.mjs$`).test(file)));
      expect((await stat(join(packageDir, `${name}.zip`))).size, name).toBeLessThan(1024 * 1024);
    }
  });

  it("alarms on each function's errors and throttles, API 5xx and DynamoDB throttling, to the ALARM_EMAIL topic", () => {
    const alarmsOf = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm',
    );
    // Created only when the deployer gave an address (here it did): the condition compares it with ''.
    expect(template.Conditions[ALARM_CONDITION]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ALARM_EMAIL, ''] }] });
    const topic = template.Resources[ALARM_TOPIC] as Resource;
    expect(topic.Properties.Subscription).toEqual([{ Protocol: 'email', Endpoint: ALARM_EMAIL }]);
    for (const [id, resource] of [...alarmsOf, [ALARM_TOPIC, topic] as const]) {
      expect(resource.Condition, id).toBe(ALARM_CONDITION);
    }
    for (const [id, resource] of alarmsOf) expect(resource.Properties.AlarmActions, id).toEqual([{ Ref: ALARM_TOPIC }]);
    const watched = (namespace: string, metric: string) =>
      alarmsOf
        .map(([, resource]) => resource.Properties)
        .filter((properties) => properties.Namespace === namespace && properties.MetricName === metric)
        .map((properties) => properties.Dimensions[0].Value);
    for (const metric of ['Errors', 'Throttles']) {
      expect(watched('AWS/Lambda', metric).sort(), metric).toEqual(
        deployedFunctions.map((spec) => deployedName('ci', spec.name)).sort(),
      );
    }
    expect(watched('AWS/DynamoDB', 'ReadThrottleEvents')).toEqual([{ Ref: 'BrokerTable' }]);
    expect(watched('AWS/DynamoDB', 'WriteThrottleEvents')).toEqual([{ Ref: 'BrokerTable' }]);
    expect(watched('AWS/ApiGateway', 'ExecutionError')).toEqual([{ Ref: 'WebsocketsApi' }]);
    // The broker's own metric, in the stage's namespace that every function is told to write to.
    expect(watched(metricsNamespace('ci'), METRIC.launchUnpicked)).toEqual([SERVICE]);
    for (const name of functionNames) {
      expect(lambdaOf(name).Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE, name).toBe(
        metricsNamespace('ci'),
      );
    }
    const rate = alarmsOf.find(([id]) => id === 'HttpApiServerErrorsAlarm')?.[1].Properties;
    expect(rate?.Metrics.map((metric: any) => metric.MetricStat?.Metric.MetricName ?? metric.Expression)).toEqual([
      '5xx',
      'Count',
      'IF(requests >= 20, 100 * errors / requests, 0)',
    ]);
  });

  it('keeps every log group for a bounded time', () => {
    const groups = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(deployedFunctions.length);
    for (const [id, group] of groups) expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
  });
});
