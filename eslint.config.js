// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Files that do I/O: adapters, composition root, CLI and storage. Everything else under src/ is
 * pure core and may not import them (STYLE.md: "pure core, I/O at the edges").
 */
const edgeFiles = [
  'src/cli/**',
  'src/store/**',
  'src/engine/**',
  'src/api/**',
  'src/**/*.routes.ts',
  'src/**/*.repository.ts',
  'src/**/*.client.ts',
  'src/**/*.server.ts',
  'src/**/*.worker.ts',
  'src/**/*.sender.ts',
  'src/**/*.loader.ts',
  'src/**/*.service.ts',
  // A speech engine adapter (issue 17): starts recogniser processes, reads its model files.
  'src/**/*.engine.ts',
  'src/lib/logger.ts',
  'src/**/*.test.ts',
];

const ioModules = [
  'pg', 'pg-boss', '@electric-sql/pglite', 'fastify', 'ws', 'undici', 'pino',
  'node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:net', 'net', 'node:http', 'http',
  'node:https', 'https', 'node:child_process', 'child_process', 'node:dgram', 'node:dns',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.callchart/**', 'bench/results/**', 'coverage/**', 'dist/**', 'test-artifacts/**', 'app/src/api/openapi.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: edgeFiles,
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'Pure core: do I/O in an adapter (*.client.ts, *.repository.ts, *.routes.ts, store/, api/).' })),
        patterns: [
          { group: ['@fastify/*'], message: 'Pure core may not import Fastify plugins.' },
          {
            group: ['**/store/*', '**/api/*', '**/engine/*', '**/cli/*', '*.repository*', '**/*.repository*', '**/*.client*', '**/*.routes*', '**/*.server*', '**/*.worker*', '**/*.loader*', '**/*.service*', '**/lib/logger*'],
            message: 'Pure core may not depend on an adapter; pass data or a port in instead.',
          },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'fetch', message: 'Pure core does no network I/O.' },
        { name: 'setTimeout', message: 'Pure core does not schedule; take time as an input.' }],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
