import { parseArgs } from 'node:util';
import { localUrl } from '../../local/local-ports.ts';

/** serverless-offline's Lambda port, as `npm start` serves it. */
export const LOCAL_ENDPOINT = localUrl('lambda');

export interface InvokeOptions {
  function: string;
  /** Inline JSON (`--data`) or a file holding it (`--file`); neither means `{}`. */
  data?: string;
  file?: string;
  stage: string;
  region: string;
  /** serverless-offline (or another Lambda API) to call; undefined means AWS itself. */
  endpoint: string | undefined;
  token: string | undefined;
  /** For a function with several routes (MCP, OAuth), which method to call. */
  method: string | undefined;
}

export type ParsedCommand = { help: true } | ({ help: false } & InvokeOptions);

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Reads the command line. Where it goes: `--endpoint URL` wins; `--local` is the offline
 * Lambda port; otherwise a `--stage` alone means the deployed stage on AWS, and no flags
 * at all mean serverless-offline's `dev` stage.
 */
export function parseInvokeArgs(argv: string[], env: Record<string, string | undefined> = {}): ParsedCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const [fn, ...extra] = positionals;
  if (!fn) throw new UsageError('name the function to invoke, e.g. get_unread_emails');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (values.data !== undefined && values.file !== undefined) throw new UsageError('give --data or --file, not both');
  const endpoint = values.endpoint ?? (values.local || values.stage === undefined ? LOCAL_ENDPOINT : undefined);
  const token = values.token ?? env.BROKER_TOKEN;
  return {
    help: false,
    function: fn,
    ...(values.data !== undefined ? { data: values.data } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    stage: values.stage ?? 'dev',
    region: values.region ?? env.AWS_REGION ?? 'us-east-1',
    endpoint,
    token: token || undefined,
    method: values.method?.toUpperCase(),
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string', short: 'd' },
      file: { type: 'string', short: 'f' },
      stage: { type: 'string', short: 's' },
      region: { type: 'string', short: 'r' },
      local: { type: 'boolean' },
      endpoint: { type: 'string' },
      token: { type: 'string', short: 't' },
      method: { type: 'string', short: 'm' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The request data as an object; a usage error names what is wrong with it. */
export function parseData(text: string | undefined, source: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The functions by how they are reached: API operations, MCP and OAuth endpoints, agents' WebSocket routes. */
export interface FunctionGroups {
  operations: string[];
  endpoints: string[];
  sockets: string[];
}

export function helpText(functions: FunctionGroups): string {
  return `Invoke one broker function directly through the Lambda Invoke API, with the API Gateway
HTTP API event its route would receive.

Usage: npm run invoke -- <function> [--data JSON | --file F] [--token T]
                         [--local | --endpoint URL] [--stage S] [--region R]

  --data, -d JSON   request: the JSON body, or for GET routes the path/query parameters
  --file, -f F      read that JSON from a file
  --token, -t T     Google access token, sent as "Authorization: Bearer T"
                    (default: $BROKER_TOKEN)
  --local           serverless-offline's Lambda port (${LOCAL_ENDPOINT}); the default
                    unless --stage is given
  --endpoint URL    another Lambda API endpoint
  --stage, -s S     stage (default dev); without --local/--endpoint: the deployed stage on AWS
  --region, -r R    AWS region (default $AWS_REGION or us-east-1)
  --method, -m M    for a function with several routes, the one with this method
  --help, -h        this text

Prints the HTTP status on stderr and the answer's body on stdout; exits 1 when the
function fails or answers a status of 400 or more.

API operations: ${functions.operations.join(', ')}

MCP and OAuth endpoints (the first route unless --method): ${functions.endpoints.join(', ')}

Agents' WebSocket functions (reached through an agent, not invoked here): ${functions.sockets.join(', ')}

Examples (with npm start running; demo token: demo-token):
  npm run invoke -- get_unread_emails --token demo-token --data '{"limit": 2}'
  npm run invoke -- send_email --token demo-token \\
    --data '{"to": "ana@example.com", "subject": "Hi", "body": "Hello"}'
  npm run invoke -- get_launch_status --token demo-token --data '{"job_id": "<job id>"}'
  npm run invoke -- get_tool_definitions
  BROKER_TOKEN=ya29... npm run invoke -- get_unread_emails --stage prod --region eu-west-1
`;
}
