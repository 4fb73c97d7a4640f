import { z } from 'zod';

/**
 * Zod checks without compiling code: its compiled checks (and the probe for them, made as each object schema is
 * defined) use `new Function`, which the pages' Content-Security-Policy refuses, and reports as a violation. Imported
 * first by `main.tsx`, before any module defines a schema.
 */
z.config({ jitless: true });
