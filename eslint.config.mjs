// Lint for every project. The module-boundary rule is what keeps the architecture honest:
// apps depend on libs only (never on each other), libs never on apps, and the core libs
// (contracts, config) import no I/O client.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const ioClients = ['pg', 'kysely', '@nats-io/*', 'ioredis', 'fastify', 'fastify-plugin', '@opentelemetry/*', 'pino'];

/** Boundary rule; tests (and only tests) may also use the testing libs. */
function boundaries({ forTests }) {
  const testing = forTests ? ['layer:testing'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
        { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:lib'] },
        {
          sourceTag: 'layer:core',
          onlyDependOnLibsWithTags: ['layer:core', ...testing],
          bannedExternalImports: forTests ? [] : ioClients,
        },
        { sourceTag: 'layer:adapter', onlyDependOnLibsWithTags: ['layer:core', 'layer:adapter', ...testing] },
        { sourceTag: 'layer:testing', onlyDependOnLibsWithTags: ['layer:core', 'layer:adapter', 'layer:testing'] },
      ],
    },
  ];
}

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '.freshet/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': boundaries({ forTests: false }),
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/testing/**/*.ts', '**/testing/**/*.tsx'],
    rules: { '@nx/enforce-module-boundaries': boundaries({ forTests: true }) },
  },
];
