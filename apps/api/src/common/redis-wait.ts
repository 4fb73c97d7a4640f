/** How long a request waits on Redis before going on without it. */
export const REDIS_WAIT_MS = 1_000;
/** After Redis failed to answer, how long it is not asked again, so that requests do not each wait on a Redis that is away. */
export const REDIS_AWAY_MS = 5_000;

/** `work`, or a rejection once Redis has not answered within `REDIS_WAIT_MS`. */
export function withinRedisWait<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
  });
  work.catch(() => undefined); // a late failure after the timeout is already reported
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
