/** Architecture rules (see ARCHITECTURE.md). `npm run deps` fails on any violation. */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make modules impossible to reason about in isolation.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'analytics-is-pure',
      severity: 'error',
      comment: 'packages/analytics imports nothing from the other packages and no I/O.',
      from: { path: '^packages/analytics/src' },
      to: {
        path: '^packages/(contracts|server|web)|^(fs|node:fs|http|node:http|net|node:net|child_process|node:child_process)$',
      },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      from: { path: '^packages/contracts/src' },
      to: { path: '^packages/(analytics|server|web)' },
    },
    {
      name: 'module-only-through-index',
      severity: 'error',
      comment: 'Another module, a flow or a job uses a module only through its index.ts.',
      from: {
        path: '^packages/server/src/(modules/([^/]+)|flows|jobs|cli|http|app\\.ts|main\\.ts)',
      },
      to: {
        path: '^packages/server/src/modules/([^/]+)/',
        pathNot: [
          '^packages/server/src/modules/$2/',
          '^packages/server/src/modules/[^/]+/index\\.ts$',
        ],
      },
    },
    {
      name: 'modules-never-import-flows',
      severity: 'error',
      from: { path: '^packages/server/src/modules' },
      to: { path: '^packages/server/src/(flows|jobs|cli|app\\.ts|main\\.ts)' },
    },
    {
      name: 'db-knows-tables-only',
      severity: 'error',
      comment: 'src/db composes table types and migrations; it imports nothing else of a module.',
      from: { path: '^packages/server/src/db' },
      to: {
        path: '^packages/server/src/modules/',
        pathNot: '\\.(table|migrations)\\.ts$',
      },
    },
    {
      name: 'text-is-pure',
      severity: 'error',
      comment: 'src/text is shared by every module, so it imports nothing else of the server.',
      from: { path: '^packages/server/src/text/' },
      to: { path: '^packages/server/src/', pathNot: '^packages/server/src/text/' },
    },
    {
      name: 'web-uses-contracts-only',
      severity: 'error',
      from: { path: '^packages/web/src' },
      to: { path: '^packages/(server|analytics)/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^packages/[^/]+/src', pathNot: '\\.test\\.tsx?$' },
      to: { path: '(\\.test\\.tsx?$|^packages/[^/]+/test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|\\.tsbuild)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
