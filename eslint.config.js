// ESLint flat config. The import-boundary rules keep each runtime in its folder:
// shared imports nothing runtime-specific, the renderer never imports main,
// and only src/main/index.ts and src/preload import electron.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'http',
]

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
})

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'build/**',
      '.bench-data/**',
      'test-results/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: restrict([
      {
        group: [...nodeBuiltins, 'electron', 'vue', 'pinia', 'better-sqlite3', 'onnxruntime-node'],
        message: 'src/shared is pure TypeScript: no runtime-specific imports.',
      },
      {
        group: ['**/main/**', '**/renderer/**', '**/preload/**'],
        message: 'src/shared imports nothing from the runtimes.',
      },
    ]),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: restrict([
      {
        group: ['**/main/**', '**/preload/**'],
        message: 'The renderer talks to the core only through the contract.',
      },
      {
        group: [...nodeBuiltins, 'electron', 'better-sqlite3', 'onnxruntime-node'],
        message: 'The renderer is browser code.',
      },
    ]),
  },
  {
    files: ['src/main/**', 'src/preload/**', 'test/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts'],
    rules: restrict([
      {
        group: ['electron'],
        message: 'Only src/main/index.ts imports electron; the core and hosts are plain Node.',
      },
      {
        group: ['**/renderer/**', '**/preload/**'],
        message: 'main never imports renderer or preload code.',
      },
    ]),
  },
  {
    files: ['src/preload/**'],
    rules: restrict([
      { group: ['**/main/**', '**/renderer/**'], message: 'preload exposes the contract only.' },
    ]),
  },
  {
    files: ['bin/**', 'scripts/**', 'test/bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Model recipes' helper scripts (Node, CommonJS) print their results.
    files: ['models/**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
)
