import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referencePages } from '../../../scripts/reference/write.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('reference pages generated from the code', () => {
  it.each(Object.entries(referencePages()))(
    '%s is what the code says now (else: npm run build)',
    async (path, text) => {
      expect(await readFile(join(root, path), 'utf8').catch(() => 'missing')).toBe(text);
    },
  );
});
