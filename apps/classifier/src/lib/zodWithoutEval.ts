import { z } from 'zod';

/**
 * Zod checks without compiling code: its compiled checks (and the probe for them, made as each object schema is
 * defined) use `new Function`, which the pages' Content-Security-Policy refuses, and reports as a violation. Bundled in
 * zod's own chunk, after zod (`vite.config.ts`), so that it runs before any chunk that defines a schema.
 */
z.config({ jitless: true });
