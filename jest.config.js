const preset = require('./jest.preset');

const project = (displayName, testMatch, extra = {}) => ({ ...preset, displayName, testMatch, ...extra });

/**
 * Unit tests need nothing; integration, end-to-end and browser tests get real Postgres and Redis from test/support.
 * Two suites at once, in worker processes replaced once grown: why, in README (how the tests run).
 */
module.exports = {
  maxWorkers: 2,
  workerIdleMemoryLimit: '1500MB',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 30_000,
  projects: [
    project('unit', ['<rootDir>/packages/*/test/**/*.test.ts']),
    project('api', ['<rootDir>/apps/api/test/**/*.test.ts']),
    project('worker', ['<rootDir>/apps/worker/test/**/*.test.ts']),
    project('e2e', ['<rootDir>/test/e2e/**/*.test.ts']),
    // Its environment marks a failed test, whose pages are then printed (apps/classifier/test/support/browser.ts); a
    // failed test runs once more (support/retry-once.ts).
    project('browser', ['<rootDir>/apps/classifier/test/**/*.test.ts'], {
      testEnvironment: '<rootDir>/apps/classifier/test/support/environment.js',
      setupFilesAfterEnv: ['<rootDir>/apps/classifier/test/support/retry-once.ts'],
    }),
  ],
};
