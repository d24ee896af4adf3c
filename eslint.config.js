// Lint rules the style guide enforces as errors: floating promises, type-only imports, no
// `export *`, no console in service code, no import cycles, no reaching into another package's src.
import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/src/gen/**',
      'models/generated/**',
      '**/.turbo/**',
      '**/vitest.config.ts',
      'vitest.config.ts',
      'eslint.config.js',
      'scripts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: [
      'libs/**/*.ts',
      'services/**/*.ts',
      'models/**/*.ts',
      'bench/**/*.ts',
      'chaos/**/*.ts',
      'k8s/**/*.ts',
      'infra/**/*.ts',
    ],
    languageOptions: {
      parserOptions: {
        // tsconfig.test.json of each package covers its sources and tests (tsconfig.json builds src only).
        project: [
          './libs/*/tsconfig.test.json',
          './services/*/tsconfig.test.json',
          './models/tsconfig.test.json',
          './bench/tsconfig.test.json',
          './chaos/tsconfig.test.json',
          './k8s/tsconfig.test.json',
          './infra/tsconfig.test.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
      'import-x/no-cycle': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'List exported names explicitly instead of export *.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@switchboard/*/src/*', '../../libs/*/src/*'],
              message: "Import a package's public face, not its src.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, benchmarks and command-line entry points talk to people through the console.
    files: [
      '**/*.test.ts',
      '**/test/**/*.ts',
      'bench/**',
      'deploy/**',
      'services/cli/**',
      'scripts/**',
      'models/src/generator/**',
    ],
    rules: { 'no-console': 'off' },
  },
);
