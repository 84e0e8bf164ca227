import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allFunctions } from '#lib/operations';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const functionsDir = resolve(root, 'functions');

/**
 * The project files a source file at `file` imports (static, re-exports and `import()`), as
 * paths relative to the project root; packages are left out. `#lib/x` is package.json's
 * import map for `lib/x.ts`.
 */
function localImports(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .flatMap((specifier) => {
      if (specifier.startsWith('#lib/')) return [`lib/${specifier.slice('#lib/'.length)}.ts`];
      if (specifier.startsWith('.')) return [relative(root, resolve(dirname(file), specifier))];
      return [];
    });
}

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
