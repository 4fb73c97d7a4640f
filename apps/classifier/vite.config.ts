import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../packages/client/src/page-policy';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** Where the dev and preview servers send /api: an API on another port is `API_URL=http://localhost:3001`. */
const api = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  // Gzip and Brotli copies of the built files beside them, which the API serves to browsers that take them: a phone
  // on a slow line downloads a third of the script, and no request pays for compressing it.
  plugins: [react(), compression({ algorithms: ['gzip', 'brotliCompress'], exclude: [/\.map$/] })],
  // Absolute asset URLs, so that deep links such as /projects/x/workflows/y load the bundle too.
  base: '/',
  resolve: {
    // The shared packages are built as CommonJS; the app compiles their TypeScript source instead.
    alias: {
      '@chorus/tasks': source('../../packages/tasks/src/index.ts'),
      '@chorus/client': source('../../packages/client/src/index.ts'),
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': api },
  },
  preview: {
    port: 4173,
    proxy: { '/api': api },
    // As the API serves the built app (the dev server's hot reload needs inline scripts, so it goes without).
    headers: { 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Zod and the module that tells it not to compile checks in one chunk, the telling last: every chunk that makes a
    // schema imports it, so none is made before (an import at the top of main.tsx runs only after the chunks it imports).
    rollupOptions: { output: { manualChunks: (id) => (/[\\/]node_modules[\\/]zod[\\/]|[\\/]zodWithoutEval\.ts$/.test(id) ? 'zod' : undefined) } },
  },
});
