/**
 * docs/reference/cold-start.md: every function's cold start as the last `npm run bench`
 * measured it (bench/results.json `cold_start`), beside the hello-world handler of the same
 * run and issue 21's bound for its kind. The page is regenerated from the results file, so
 * it says what the last run measured, never a figure typed by hand.
 */
import { readFileSync } from 'node:fs';
import { SCOPES } from '../../lib/google/scopes.ts';
import { allOperations } from '../../lib/operations.ts';
import { GENERATED, table } from './markdown.ts';

interface Figures {
  import_kib?: number;
  bundle_kib: number;
  all_files_kib: number;
  import_ms: number;
  import_cpu_ms: number;
  first_request_ms: number | null;
  first_request_status: number | null;
  import_ratio: number;
  import_and_first_request_ratio: number | null;
}

interface ColdStartResults {
  measured_at: string;
  node: string;
  repeats: number;
  baseline: { import_ms: number; import_cpu_ms: number };
  functions: Record<string, Figures>;
}

const RESULTS = new URL('../../bench/results.json', import.meta.url);

const GMAIL = new Set<string>([SCOPES.send, SCOPES.read, SCOPES.compose, SCOPES.modify]);

/** Issue 21's bound on a function's import, as a multiple of the hello-world import of the same run. */
export function importBound(name: string): { kind: string; bound: number } {
  if (name === 'mcp') return { kind: 'mcp', bound: 15 };
  const operation = allOperations.find((candidate) => candidate.name === name);
  if (operation && (operation.scopes.some((scope) => GMAIL.has(scope)) || operation.runsTools)) {
    return { kind: 'mail', bound: 12 };
  }
  return { kind: 'other', bound: 5 };
}

const ms = (value: number | null) => (value === null ? '—' : value.toFixed(1));

export function coldStartPage(
  results: ColdStartResults = JSON.parse(readFileSync(RESULTS, 'utf8')).cold_start,
): string {
  const rows = Object.entries(results.functions).map(([name, figures]) => {
    const { kind, bound } = importBound(name);
    return [
      `\`${name}\``,
      kind,
      String(figures.import_kib ?? figures.bundle_kib),
      String(figures.all_files_kib),
      ms(figures.import_ms),
      ms(figures.import_cpu_ms),
      `${figures.import_ratio.toFixed(1)}x`,
      `${bound}x`,
      figures.first_request_ms === null ? '—' : `${ms(figures.first_request_ms)} (${figures.first_request_status})`,
    ];
  });
  const over = Object.entries(results.functions).filter(
    ([name, figures]) => figures.import_ratio > importBound(name).bound,
  );
  return `${GENERATED}
# Cold start

What the last \`npm run bench\` measured (\`bench/results.json\` \`cold_start\`, ${results.measured_at},
Node ${results.node}, median of ${results.repeats} fresh processes per function): each function's
bundle imported in a fresh Node process as Lambda's runtime imports it, then that process's
first request against the Google emulator and dynalite. The hello-world handler of the
same run imported in ${ms(results.baseline.import_ms)} ms (${ms(results.baseline.import_cpu_ms)} ms of CPU);
ratios are against it. The bound is issue 21's for the function's kind: mail functions (a
Gmail scope, or running tools) about 12x, \`mcp\` about 15x, the others about 5x. Sizes are
KiB: what the import loads (the handler file and its static chunks), and the whole artifact
with the chunks loaded when first needed.

${table(
  [
    'function',
    'kind',
    'KiB at import',
    'KiB in all',
    'import ms',
    'import CPU ms',
    'ratio',
    'bound',
    'first request ms (status)',
  ],
  rows,
)}

${over.length} of ${rows.length} functions import above their bound in this run${over.length ? `: ${over.map(([name]) => `\`${name}\``).join(', ')}` : ''}.
`;
}
