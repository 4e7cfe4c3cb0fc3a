// Lint setup: typescript-eslint's recommended rules, zero warnings allowed. src/ is linted with type information
// (recommendedTypeChecked: floating and misused promises, awaiting non-promises, unsafe any); tests, benchmarks and
// scripts keep the untyped rules, which find what matters there in a fraction of the time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const typed = ['src/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'src/platforms/playground/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: typed })),
  {
    files: typed,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Off: fastify handlers, Bolt listeners and interface implementations are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
);
