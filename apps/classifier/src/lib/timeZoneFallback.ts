import { ChorusApiError } from '@chorus/client';

/** The zone days are read in when the server does not know the browser's. */
const FALLBACK_TIME_ZONE = 'UTC';

/** Whether the API refused the time zone asked for (its Postgres does not know it): asking again the same way cannot help. */
const zoneRefused = (error: unknown) => error instanceof ChorusApiError && error.status === 422 && Boolean(error.problem.errors?.some((each) => each.pointer === '/query/timeZone'));

/** The zones the server refused, until the page is reloaded: the next days are asked for in UTC at once, not refused again first. */
const refusedZones = new Set<string>();

/** Reads something of days in a time zone. */
export type ReadInZone<T> = (timeZone: string) => Promise<T>;

/**
 * `read` in time zone `zone`, or in UTC when the server does not know it (422 naming `/query/timeZone`, now or earlier
 * on this page): the answer with the zone it is in.
 */
export async function readInKnownZone<T>(read: ReadInZone<T>, zone: string): Promise<{ days: T; timeZone: string }> {
  const utc = async () => ({ days: await read(FALLBACK_TIME_ZONE), timeZone: FALLBACK_TIME_ZONE });
  if (refusedZones.has(zone)) return utc();
  try {
    return { days: await read(zone), timeZone: zone };
  } catch (error) {
    if (!zoneRefused(error)) throw error;
    refusedZones.add(zone);
    return utc();
  }
}
