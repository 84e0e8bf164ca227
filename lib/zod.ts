import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The project's zod: `zod/mini`, the functional, tree-shakable build of zod 4. Classic zod
 * gives every schema dozens of methods at construction, which every function paid at load
 * for the registry's schemas (issue 21). Mini comes without error messages (issues say only
 * "Invalid input"); English is set here, once, before any schema parses, so every message a
 * client sees reads as it did with classic zod. Import zod through this module, never
 * `zod/mini` directly.
 */
config(en());

export * from 'zod/mini';
