// The test command: Postgres and Redis (from DATABASE_URL / REDIS_URL, or started here), then every Jest project,
// then one summary line: `tests: N passed, N failed`.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, startServices } from './services.mjs';

const services = await startServices({ databaseName: 'postgres', dataDirName: 'postgres-test', log: (line) => console.log(`[test] ${line}`) });
const resultsFile = join(root, '.data', 'jest-results.json');
mkdirSync(join(root, '.data'), { recursive: true });
rmSync(resultsFile, { force: true });

const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
// Jest runs the suites in two worker processes, each replaced once it has grown past a limit (jest.config.js).
const args = [jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CHORUS_TEST_DATABASE_URL: services.databaseUrl, CHORUS_TEST_REDIS_URL: services.redisUrl },
  });
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
await services.stop();

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  for (const name of passedOnRetry(results)) console.log(`flaky (failed, then passed when run again; its first failure is above): ${name}`);
} catch {
  failed = Math.max(failed, 1);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);

/** The tests that passed only when run again (the browser project's retry, apps/classifier/test/support/retry-once.ts). */
function passedOnRetry(results) {
  return results.testResults.flatMap((suite) =>
    suite.assertionResults
      .filter((test) => test.status === 'passed' && test.invocations > 1)
      .map((test) => `${relative(root, suite.name)} › ${test.fullName}`),
  );
}

