import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The project's root directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The project files a source file at `file` imports (static, re-exports, `import type` and
 * `import()`), as paths relative to the project root; packages are left out. `#lib/x` is
 * package.json's import map for `lib/x.ts`.
 */
export function localImports(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .flatMap((specifier) => {
      if (specifier.startsWith('#lib/')) return [`lib/${specifier.slice('#lib/'.length)}.ts`];
      if (specifier.startsWith('.')) return [relative(ROOT, resolve(dirname(file), specifier))];
      return [];
    });
}

/** Every `.ts` file under `dir` (relative to the root), as root-relative paths. */
export async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

/** Each file under `dirs` with the project files it imports. */
export async function importGraph(dirs: readonly string[]): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const file of await sourceFiles(dir)) {
      graph.set(file, localImports(join(ROOT, file), await readFile(join(ROOT, file), 'utf8')));
    }
  }
  return graph;
}
