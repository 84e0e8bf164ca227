/**
 * The reference pages generated from the code, by path. `npm run build` writes them;
 * tests/unit/reference-docs.test.ts fails when a committed page differs from what the code
 * says now.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coldStartPage } from './cold-start.ts';
import { configurationPage } from './configuration.ts';
import { deployPage } from './deploy.ts';
import { functionsPage } from './functions.ts';
import { scopesPage } from './scopes.ts';

export function referencePages(): Record<string, string> {
  return {
    'docs/reference/functions.md': functionsPage(),
    'docs/reference/deploy.md': deployPage(),
    'docs/reference/scopes.md': scopesPage(),
    'docs/reference/configuration.md': configurationPage(),
    'docs/reference/cold-start.md': coldStartPage(),
  };
}

export async function writeReferencePages(root: string): Promise<string[]> {
  const pages = referencePages();
  await Promise.all(Object.entries(pages).map(([path, text]) => writeFile(join(root, path), text)));
  return Object.keys(pages);
}
