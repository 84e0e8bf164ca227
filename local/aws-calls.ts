/** One AWS API call a function made against a local stand-in (dynalite, the SSM stand-in, `@connections`). */
export interface AwsCall {
  service: 'dynamodb' | 'ssm' | 'execute-api';
  /** The API action, e.g. `GetItem`. */
  action: string;
  /** The calling function's full name (`<service>-<stage>-<function>`); undefined for other callers. */
  function: string | undefined;
}

/** The function named in an SDK user agent (lib/aws.ts puts `function/<full name>` there). */
export function callerOf(userAgent: string | string[] | undefined): string | undefined {
  const text = Array.isArray(userAgent) ? userAgent.join(' ') : (userAgent ?? '');
  return /(?:^|\s)function\/([\w-]+)/.exec(text)?.[1];
}
