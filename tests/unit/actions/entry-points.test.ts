import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allFunctions } from '#lib/operations';
import { localImports, ROOT } from '../../support/import-graph.ts';

const functionsDir = resolve(ROOT, 'functions');

const importsAnEntry = (file: string, source: string) =>
  localImports(file, source).filter((path) => path.startsWith('functions/'));

describe('the entry points', () => {
  it('find a sibling import of any form (so the check below can fail)', () => {
    const file = resolve(functionsDir, 'call_tool.ts');
    const source = [
      "import { run as create_draft } from './create_draft.ts';",
      "export { handler } from './send_email.ts';",
      "const lazy = () => import('../functions/mcp.ts');",
      "import { apiHandler } from '#lib/http/api-handler';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsAnEntry(file, source)).toEqual([
      'functions/create_draft.ts',
      'functions/send_email.ts',
      'functions/mcp.ts',
    ]);
    expect(localImports(file, source)).toContain('lib/http/api-handler.ts');
  });

  it('import no other entry point: each registry function reaches what it runs through lib', async () => {
    for (const spec of allFunctions) {
      const file = resolve(functionsDir, `${spec.name}.ts`);
      const source = await readFile(file, 'utf8');
      expect(importsAnEntry(file, source), spec.name).toEqual([]);
      expect(
        localImports(file, source).some((path) => path.startsWith('lib/')),
        spec.name,
      ).toBe(true);
    }
  });
});
