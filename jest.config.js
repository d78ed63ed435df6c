/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/test/e2e/runtimes/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  // Builds dist/ once, for tests that run the compiled package in a child.
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Samples import the package by name, as users do.
  moduleNameMapper: {
    '^lambda-lifecycle$': '<rootDir>/src/index.ts',
    '^lambda-lifecycle/testing$': '<rootDir>/src/testing/index.ts',
    '^lambda-lifecycle/blocking-registration$':
      '<rootDir>/src/runtime/blocking-registration.ts',
  },
};
