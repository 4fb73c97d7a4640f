// A browser test that fails is run once more, its first failure printed, and infra/test.mjs names it as flaky in the
// run's summary: Chromium beside another suite on two cores is sometimes late past a wait. A test whose behaviour is
// broken fails both times.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
