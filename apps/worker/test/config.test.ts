import { loadConfig } from '../src/config/config';

const env = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none' };

describe('the drain deadline of a worker told to stop (DRAIN_DEADLINE_SECONDS)', () => {
  it('is 10 s unless set, and as set from 1 s to an hour', () => {
    expect(loadConfig(env).drainDeadlineMs).toBe(10_000);
    expect(loadConfig({ ...env, DRAIN_DEADLINE_SECONDS: '1' }).drainDeadlineMs).toBe(1_000);
    expect(loadConfig({ ...env, DRAIN_DEADLINE_SECONDS: '3600' }).drainDeadlineMs).toBe(3_600_000);
  });

  it('stops the worker, naming the variable, when it is not a whole number of seconds from 1 to 3600', () => {
    for (const value of ['0', '3601', '2147484', '1.5', 'ten']) {
      expect(() => loadConfig({ ...env, DRAIN_DEADLINE_SECONDS: value })).toThrow(/^invalid configuration:\n {2}DRAIN_DEADLINE_SECONDS: /);
    }
  });
});

describe('the lock of a job (JOB_LOCK_SECONDS), after which the job of a worker that died runs again', () => {
  it('is 10 s unless set, and as set from 2 s to 10 minutes', () => {
    expect(loadConfig(env).jobLockMs).toBe(10_000);
    expect(loadConfig({ ...env, JOB_LOCK_SECONDS: '2' }).jobLockMs).toBe(2_000);
    expect(loadConfig({ ...env, JOB_LOCK_SECONDS: '600' }).jobLockMs).toBe(600_000);
  });

  it('stops the worker, naming the variable, when it is not a whole number of seconds from 2 to 600', () => {
    for (const value of ['1', '601', '2.5', 'ten']) {
      expect(() => loadConfig({ ...env, JOB_LOCK_SECONDS: value })).toThrow(/^invalid configuration:\n {2}JOB_LOCK_SECONDS: /);
    }
  });
});
