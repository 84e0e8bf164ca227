import { allTools, endpoints, operations } from '../operations.ts';
import type { JsonSchema } from './json-schema.ts';
import type { OpenApiDocument, OpenApiOperation, OpenApiParameter } from './openapi.ts';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema's type as a reader would write it: `string | string[] | null`, `"a" | "b"`. */
export function typeLabel(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) {
    return [...new Set(schema.anyOf.filter(isSchema).map(typeLabel))].join(' | ');
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type) => typeof type === 'string');
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type === 'array') {
        const item = isSchema(schema.items) ? typeLabel(schema.items) : 'any';
        return item.includes(' ') ? `(${item})[]` : `${item}[]`;
      }
      if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      return type;
    })
    .join(' | ');
}

const LIMITS: Array<[keyword: string, label: (value: unknown) => string]> = [
  ['minLength', (value) => `at least ${value} characters`],
  ['maxLength', (value) => `at most ${value} characters`],
  ['minimum', (value) => `≥ ${value}`],
  ['maximum', (value) => `≤ ${value}`],
  ['minItems', (value) => `at least ${value} items`],
  ['maxItems', (value) => `at most ${value} items`],
  ['pattern', (value) => `matches ${value}`],
];

/** The validation limits of a schema (and of its union members), in words. */
function limitsOf(schema: JsonSchema): string[] {
  // A named format says more than the regex zod writes beside it.
  const own = LIMITS.filter(
    ([keyword]) => schema[keyword] !== undefined && !(keyword === 'pattern' && schema.format),
  ).map(([keyword, label]) => label(schema[keyword]));
  const members = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema).flatMap(limitsOf) : [];
  return [...new Set([...own, ...members])];
}

interface FieldRow {
  name: string;
  schema: JsonSchema;
  required: boolean;
  description: string;
}

/** The object a field holds, directly, inside a union, or as its array items: its fields are listed too. */
function nestedObject(schema: JsonSchema): { schema: JsonSchema; suffix: string } | undefined {
  const candidates = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema) : [schema];
  for (const candidate of candidates) {
    if (isSchema(candidate.properties)) return { schema: candidate, suffix: '.' };
    if (isSchema(candidate.items) && isSchema(candidate.items.properties))
      return { schema: candidate.items, suffix: '[].' };
  }
  return undefined;
}

/** Rows for every property of an object schema, nested objects flattened as `a.b` and `a[].b`. */
export function fieldRows(schema: JsonSchema, prefix = '', depth = 0): FieldRow[] {
  if (!isSchema(schema.properties) || depth > 3) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(schema.properties).flatMap(([name, property]) => {
    if (!isSchema(property)) return [];
    const row: FieldRow = {
      name: `${prefix}${name}`,
      schema: property,
      required: required.has(name),
      description: typeof property.description === 'string' ? property.description : '',
    };
    const nested = nestedObject(property);
    return [row, ...(nested ? fieldRows(nested.schema, `${prefix}${name}${nested.suffix}`, depth + 1) : [])];
  });
}

function parameterRows(parameters: OpenApiParameter[]): FieldRow[] {
  return parameters.map((parameter) => ({
    name: `${parameter.name} (${parameter.in})`,
    schema: parameter.schema,
    required: parameter.required,
    description: parameter.description ?? '',
  }));
}

function fieldTable(rows: FieldRow[]): string {
  if (rows.length === 0) return '<p class="none">No fields.</p>';
  const body = rows
    .map((row) => {
      const limits = limitsOf(row.schema);
      return `<tr><td><code>${escapeHtml(row.name)}</code></td><td><code>${escapeHtml(typeLabel(row.schema))}</code>${
        limits.length ? `<div class="limits">${escapeHtml(limits.join('; '))}</div>` : ''
      }</td><td>${row.required ? 'yes' : 'no'}</td><td>${escapeHtml(row.description)}</td></tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function jsonSchemaAt(content: unknown, type = 'application/json'): JsonSchema | undefined {
  if (!isSchema(content)) return undefined;
  const media = content[type];
  return isSchema(media) && isSchema(media.schema) ? media.schema : undefined;
}

function operationSection(method: string, path: string, operation: OpenApiOperation): string {
  const scopes = operation.security.flatMap((requirement) => Object.values(requirement).flat());
  const auth =
    operation.security.length === 0
      ? 'none'
      : `Google sign-in (Authorization: Bearer)${scopes.length ? `, scopes: ${scopes.join(', ')}` : ''}`;
  const consequential = operation['x-openai-isConsequential']
    ? '<span class="badge warn">consequential: ChatGPT asks the user before every call</span>'
    : '<span class="badge">not consequential</span>';
  const input = operation.parameters
    ? `<h3>Parameters</h3>\n${fieldTable(parameterRows(operation.parameters))}`
    : operation.requestBody
      ? `<h3>Request body (JSON)</h3>\n${fieldTable(fieldRows(operation.requestBody.content['application/json'].schema))}`
      : '<h3>Request</h3>\n<p class="none">No input.</p>';
  const ok = isSchema(operation.responses['200']) ? operation.responses['200'] : {};
  const answer = jsonSchemaAt(ok.content);
  const output = answer
    ? `<h3>Answer (200, JSON)</h3>\n${fieldTable(fieldRows(answer))}`
    : `<h3>Answer (200)</h3>\n<p>${escapeHtml(typeof ok.description === 'string' ? ok.description : '')}</p>`;
  const id = `op-${operation.operationId}`;
  // A tool's name for people (the registry's MCP title), which the consent page shows too.
  const title = allTools.find((tool) => tool.name === operation.operationId)?.tool.title;
  const tool = title ? `<p class="meta">Tool: <strong>${escapeHtml(title)}</strong></p>\n` : '';
  return `<section id="${escapeHtml(id)}">
<h2><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h2>
${tool}<p class="summary">${escapeHtml(operation.summary)}</p>
<p>${escapeHtml(operation.description)}</p>
<p class="meta">operationId: <code>${escapeHtml(operation.operationId)}</code> · Auth: ${escapeHtml(auth)} · ${consequential}</p>
${input}
${output}
</section>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header,main,nav{max-width:1000px;margin:0 auto;padding:0 20px}
header{padding-top:24px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:4px 20px 16px;margin:20px 0}
h2{font-size:18px;display:flex;gap:10px;align-items:center}
h3{font-size:15px;margin:18px 0 6px}
code{font:13px ui-monospace,Menlo,Consolas,monospace}
.method{font:bold 12px ui-monospace,monospace;padding:2px 8px;border-radius:4px;color:#fff;background:#555}
.method.get{background:#1a7f37}.method.post{background:#0969da}
.summary{font-weight:600}.meta{color:#555;font-size:13px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;background:#eee;font-size:12px}
.badge.warn{background:#fff1c2}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;border-top:1px solid #eee;padding:6px 8px}
th{background:#f4f4f4}.limits{color:#666;font-size:12px}.none{color:#666}
nav ul{columns:2;padding-left:18px}
td,code{overflow-wrap:anywhere}
@media (max-width:640px){
header,main,nav{padding:0 10px}
section{padding:4px 10px 12px}
h2{flex-wrap:wrap}
nav ul{columns:1}
th,td{padding:4px}
/* Each field becomes a card: its name, then type, whether required, description, full width. */
table,tbody,tr,td{display:block}
thead{display:none}
tr{border-top:1px solid #ddd;padding:6px 0}
td{border:0;padding:1px 0}
td:nth-child(2)::before{content:"Type: "}
td:nth-child(3)::before{content:"Required: "}
}
`;

/**
 * The API reference as one self-contained HTML page (inline CSS, no scripts, nothing
 * fetched), rendered from the OpenAPI document so the two never disagree. Every value
 * taken from the document is escaped.
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const entries = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
  const server = document.servers[0]?.url ?? '';
  const toc = entries
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#${escapeHtml(`op-${operation.operationId}`)}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a> — ${escapeHtml(operation.summary)}</li>`,
    )
    .join('\n');
  const title = `${document.info.title} API reference`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Base URL: <code>${escapeHtml(server)}</code> · Machine-readable: <a href="${escapeHtml(`${server}${operations.get_openapi_document.path}`)}">OpenAPI ${escapeHtml(document.openapi)} document</a> (import it into a custom GPT's Actions)</p>
<p>MCP clients (Claude, ChatGPT connectors) reach the same operations as tools at <code>${escapeHtml(`${server}${endpoints.mcp.routes[0].path}`)}</code> (Streamable HTTP; the client signs you in with Google through this broker).</p>
<p>Errors answer <code>{"success": false, "error": {"code", "message", "details"}}</code> with a 4xx status for anything the caller can fix.</p>
</header>
<nav><ul>
${toc}
</ul></nav>
<main>
${entries.map(({ path, method, operation }) => operationSection(method, path, operation)).join('\n')}
</main>
</body>
</html>
`;
}
