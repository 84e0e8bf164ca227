/**
 * The runtime shims the MCP server SDK imports (`@modelcontextprotocol/server/_shims`), as the
 * function bundles get them (scripts/build.ts aliases that path here): Node's `process`, as
 * the SDK's Node shim gives it, and for the default JSON Schema validator the SDK's own
 * `@cfworker/json-schema` provider (what the SDK ships for Workers and browsers, published
 * as `@modelcontextprotocol/server/validators/cf-worker`) instead of its AJV one. The Node
 * shim imports AJV whether or not anything validates, 158 KiB minified that every `mcp` cold
 * start parsed; this server validates no JSON Schema (the SDK's Server does so only for
 * elicitation answers, and it never elicits), and the cf-worker provider is 40 KiB.
 * Tests run unbundled, on the SDK's own Node shim.
 */
export { default as process } from 'node:process';
export { CfWorkerJsonSchemaValidator as DefaultJsonSchemaValidator } from '@modelcontextprotocol/server/validators/cf-worker';
