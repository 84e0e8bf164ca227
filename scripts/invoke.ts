/**
 * `npm run invoke -- <function> [--data JSON | --file F] ...`: calls one function through
 * the Lambda Invoke API (serverless-offline's port by default, or a deployed stage) with
 * the HTTP API event its route would receive, and prints what it answered.
 */
import { readFile } from 'node:fs/promises';
import { allOperations } from '#lib/operations';
import { deployedName } from './deployment.ts';
import { buildHttpEvent } from './invoke/event.ts';
import { failed, invokeFunction } from './invoke/lambda.ts';
import { helpText, parseData, parseInvokeArgs, UsageError } from './invoke/options.ts';

const names = allOperations.map((operation) => operation.name);

async function main(): Promise<number> {
  const command = parseInvokeArgs(process.argv.slice(2), process.env);
  if (command.help) {
    process.stdout.write(helpText(names));
    return 0;
  }
  const operation = allOperations.find((candidate) => candidate.name === command.function);
  if (!operation) {
    throw new UsageError(`unknown function "${command.function}"; one of: ${names.join(', ')}`);
  }
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
  const result = await invokeFunction(target, event);
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
