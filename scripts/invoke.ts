/**
 * `npm run invoke -- <function> [--data JSON | --file F] ...`: calls one function through
 * the Lambda Invoke API (serverless-offline's port by default, or a deployed stage) with
 * the HTTP API event its route would receive, and prints what it answered.
 */
import { readFile } from 'node:fs/promises';
import { allEndpoints, allOperations, allSocketFunctions } from '#lib/operations';
import { deployedName } from './deployment.ts';
import { buildHttpEvent, type HttpRoute } from './invoke/event.ts';
import { failed, invokeFunction } from './invoke/lambda.ts';
import { helpText, parseData, parseInvokeArgs, UsageError } from './invoke/options.ts';

/** What can be invoked with an HTTP event: each operation's route, and each endpoint's routes. */
const routes: HttpRoute[] = [
  ...allOperations.map(({ name, method, path }) => ({ name, method, path })),
  ...allEndpoints.flatMap(({ name, routes }) => routes.map(({ method, path }) => ({ name, method, path }))),
];
const groups = {
  operations: allOperations.map((spec) => spec.name),
  endpoints: allEndpoints.map((spec) => spec.name),
  sockets: allSocketFunctions.map((spec) => spec.name),
};

/** The route to call: the function's first, or its first with `method`. */
function routeOf(name: string, method: string | undefined): HttpRoute {
  if (groups.sockets.includes(name)) {
    throw new UsageError(
      `${name} serves the agents' WebSocket API and takes no HTTP event: run an agent (npm run agent:demo) to reach it`,
    );
  }
  const candidates = routes.filter((route) => route.name === name);
  if (!candidates.length) throw new UsageError(`unknown function "${name}"; "npm run invoke -- --help" lists them`);
  const route = method ? candidates.find((candidate) => candidate.method === method) : candidates[0];
  if (!route) {
    throw new UsageError(
      `${name} has no ${method} route; it has ${candidates.map((c) => `${c.method} ${c.path}`).join(', ')}`,
    );
  }
  return route;
}

async function main(): Promise<number> {
  const command = parseInvokeArgs(process.argv.slice(2), process.env);
  if (command.help) {
    process.stdout.write(helpText(groups));
    return 0;
  }
  const operation = routeOf(command.function, command.method);
  const data =
    command.file !== undefined
      ? parseData(await readFile(command.file, 'utf8'), command.file)
      : parseData(command.data, '--data');
  const event = buildHttpEvent({ operation, data, token: command.token });
  const target = {
    functionName: deployedName(command.stage, command.function),
    region: command.region,
    endpoint: command.endpoint,
  };
  const result = await invokeFunction(target, event).catch((error: unknown) => {
    if (target.endpoint === undefined && error instanceof Error && error.name === 'CredentialsProviderError') {
      throw new Error(
        `no AWS credentials to call stage ${command.stage} on AWS: run "aws configure" or set AWS_PROFILE (leave out --stage to call the local stack of npm start)`,
      );
    }
    throw error;
  });
  if (result.functionError) process.stderr.write(`${target.functionName} failed (${result.functionError})\n`);
  else process.stderr.write(`HTTP ${result.status} from ${target.functionName}\n`);
  process.stdout.write(
    typeof result.body === 'string' ? `${result.body}\n` : `${JSON.stringify(result.body, null, 2)}\n`,
  );
  return failed(result) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`invoke: ${error.message}\nRun "npm run invoke -- --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message || error.name : String(error);
    const hint = /ECONNREFUSED/.test(message) ? ' (is the local stack running? npm start)' : '';
    process.stderr.write(`invoke: ${message}${hint}\n`);
    process.exitCode = 1;
  },
);
