// The test command: Postgres and Redis (from DATABASE_URL / REDIS_URL, or started here), then every Jest project,
// then one summary line: `tests: N passed, N failed`.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, startServices } from './services.mjs';

const services = await startServices({ databaseName: 'postgres', dataDirName: 'postgres-test', log: (line) => console.log(`[test] ${line}`) });
const resultsFile = join(root, '.data', 'jest-results.json');
mkdirSync(join(root, '.data'), { recursive: true });
rmSync(resultsFile, { force: true });

const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
// On two cores Jest runs the suites in its own process (in band), one after another, and its heap grows with them: the
// whole run went past Node's default limit (about 4 GB) in its last suites. The machine has the memory: the limit is raised.
const args = ['--max-old-space-size=8192', jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
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
} catch {
  failed = Math.max(failed, 1);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
