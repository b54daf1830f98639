// Native ESM jest (Ink needs ESM: yoga-layout uses top-level await). See shared toolchain notes.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
      module: { type: 'es6' },
    }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  testTimeout: 60000,
  // Integration tests start real processes and servers: two workers on two cores.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
