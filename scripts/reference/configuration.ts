/**
 * docs/reference/configuration.md: every environment variable lib/config.ts reads, with its
 * default and what it is for, from the config schema itself (its `z.describe()` texts).
 */

import { ConfigSchema } from '../../lib/config.ts';
import * as z from '../../lib/zod.ts';
import { LOCAL_PORTS } from '../../local/local-ports.ts';
import { GENERATED, table } from './markdown.ts';

/** The default a key's schema fills in, looking through transforms (`pipe`); none when optional. */
function defaultOf(schema: z.core.$ZodType): unknown {
  const def = schema._zod.def;
  if (def.type === 'default') return (def as z.core.$ZodDefaultDef).defaultValue;
  if (def.type === 'pipe') return defaultOf((def as z.core.$ZodPipeDef).in);
  return undefined;
}

/** A default as it would be written in the environment: lists comma-separated. */
function asEnv(value: unknown): string {
  if (value === undefined) return 'unset';
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text ? `\`${text}\`` : 'empty';
}

export function configurationPage(): string {
  return `${GENERATED}
# Configuration

What the functions read from their environment: only these, parsed once by
\`lib/config.ts\`, which reports every missing or malformed key in one error. On AWS the
deployment sets them per function (see [functions.md](functions.md)); under \`npm start\`
the local stack does. An empty value counts as unset.

${table(
  ['variable', 'default', 'what it is for'],
  Object.entries(ConfigSchema.shape).map(([name, schema]) => [
    `\`${name}\``,
    asEnv(defaultOf(schema)),
    z.globalRegistry.get(schema)?.description ?? '',
  ]),
)}

Outside the functions, the deployment takes \`LOG_LEVEL\` (Powertools' log level, default
\`INFO\`), and \`npm start\` serves on these ports, each moved by its variable:

${table(
  ['variable', 'default', 'serves'],
  Object.values(LOCAL_PORTS).map(({ variable, port, serves }) => [`\`${variable}\``, `${port}`, serves]),
)}
`;
}
