import { randomInt } from 'node:crypto';

const HOUR_MS = 60 * 60 * 1000;
/** The first run comes within this long of the start, at a random moment, so that processes started together spread it. */
export const FIRST_RUN_WITHIN_MS = 5 * 60 * 1000;

/**
 * Runs a clean-up soon after the process starts, then every hour: a fleet restarted more often than hourly (deploys,
 * autoscaling) still runs it. A failure is handed to `failed`, and the next hour tries again. Answers how to stop.
 */
export function everyHour(task: () => Promise<unknown>, failed: (error: Error) => void): () => void {
  const run = () => void task().catch(failed);
  let hourly: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    hourly = setInterval(run, HOUR_MS);
    hourly.unref();
  }, randomInt(FIRST_RUN_WITHIN_MS));
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}
