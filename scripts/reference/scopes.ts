/**
 * docs/reference/scopes.md: the Google scopes each tool needs, from the registry, with
 * Google's class of each (lib/google/scopes.ts), so a deployer sees what offering a tool
 * costs in Google's verification, and whether ChatGPT asks the user before calling it.
 */
import { SCOPE_CLASS, SCOPES, scopeClass } from '../../lib/google/scopes.ts';
import { googleScopesFor } from '../../lib/grants/scopes.ts';
import { allTools } from '../../lib/operations.ts';
import { codes, GENERATED, table } from './markdown.ts';

/** `gmail.send` for `https://www.googleapis.com/auth/gmail.send`. */
function short(scope: string): string {
  return scope.replace('https://www.googleapis.com/auth/', '');
}

export function scopesPage(): string {
  return `${GENERATED}
# Google scopes

Each tool declares the narrowest Google scopes it needs (\`lib/operations.ts\`); a call whose
token lacks one answers 403 \`insufficient_scope\` naming it. A tool is as strict as its
strictest scope: **sensitive** scopes need Google's verification (a privacy policy, a
justification of each scope, a demo video), **restricted** ones that and a yearly
third-party security assessment for an app used beyond its own test users. A tool that
asks first is \`consequential\` in the registry: GPT Actions get
\`x-openai-isConsequential: true\` and ChatGPT asks the user before each call.

${table(
  ['tool', 'Google scopes', "Google's class", 'asks first'],
  allTools.map((tool) => [
    `\`${tool.name}\``,
    codes(tool.scopes.map(short)),
    scopeClass(tool.scopes),
    tool.consequential ? 'yes' : 'no',
  ]),
)}

A GPT's Actions ask Google for the scopes its OAuth settings name, so a stage can offer
fewer tools by asking for fewer scopes. The MCP sign-in asks Google for exactly the scopes
of the tools the user consents to, plus ${codes(googleScopesFor([]).map(short))} to know who signs in.

${table(
  ['scope', 'URL', "Google's class"],
  Object.entries(SCOPES).map(([name, url]) => [
    `\`${short(url)}\``,
    `\`${url}\``,
    SCOPE_CLASS[name as keyof typeof SCOPES],
  ]),
)}
`;
}
