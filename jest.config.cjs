/**
 * Tests are TypeScript, transpiled file by file by ts-jest (isolatedModules: fast, no type check here;
 * `npm run typecheck` type-checks the whole tree before the tests run).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', useDefineForClassFields: false, esModuleInterop: true, isolatedModules: true } }],
  },
  testTimeout: 30000,
};
