/** A CloudFormation logical id from a function name: `send_email` -> `SendEmail`. */
export function logicalId(fn: string): string {
  return fn.replace(/(^|_)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
}
