import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The staff app (issue 14): React + Mantine, built to `dist/app/` and served by the engine
 * (src/web/staff-app.routes.ts). No dev server in production: `npm run build:app` (and `npm start`,
 * `npm test`, which build it when it is missing or older than its sources).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // JSX through esbuild's automatic runtime: no Babel plugin needed for a production build.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // One chunk per screen (lazy routes); the shell and the component library in the entry.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Mantine marks its modules "use client" (for React Server Components); meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
