/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  // Samples import the package by name, as users do.
  moduleNameMapper: {
    '^lambda-lifecycle$': '<rootDir>/src/index.ts',
    '^lambda-lifecycle/testing$': '<rootDir>/src/testing/index.ts',
  },
};
