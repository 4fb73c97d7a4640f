// The browser tests' Jest environment: Node's, and it tells the test's own code whether the test running has failed
// (`chorusTestFailed`), so that support/browser.ts prints what its pages showed after a failure, and only then; a
// test run again (support/retry-once.ts) starts unmarked.
const { TestEnvironment } = require('jest-environment-node');

class BrowserTestEnvironment extends TestEnvironment {
  handleTestEvent(event) {
    if (event.name === 'test_start' || event.name === 'test_retry') this.global.chorusTestFailed = false;
    else if (event.name === 'test_fn_failure' || (event.name === 'hook_failure' && event.hook.type === 'beforeEach')) this.global.chorusTestFailed = true;
  }
}

module.exports = BrowserTestEnvironment;
