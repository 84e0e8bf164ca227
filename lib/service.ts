/**
 * The service's name: serverless.yml's `service` (deployed functions are
 * `<service>-<stage>-<function>`, tests/deploy checks the two agree), the logger's and
 * metrics' service, the metrics' CloudWatch namespace, and how the broker names itself to
 * others (user agents, MCP server info).
 */
export const SERVICE = 'chatgpt-broker';
