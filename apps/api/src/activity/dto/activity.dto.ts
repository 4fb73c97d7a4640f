import { z } from 'zod';

/** The most days one request reads: a year and a little more, so that a "last 365 days" in any time zone fits. */
export const MOST_DAYS = 400;
const DAY_MS = 86_400_000;
/** The first day asked for at most: before Chorus (and year 0000, which Postgres refuses as a date). */
export const FIRST_DAY = '2000-01-01';

/** A day as `YYYY-MM-DD`, not before `FIRST_DAY`. */
const day = () => z.iso.date('is not a date as YYYY-MM-DD').refine((date) => date >= FIRST_DAY, `is before ${FIRST_DAY}; give a later day`).optional();

/** A zone's name, not an offset: Postgres reads `+01:00` as POSIX does, an hour west of UTC, where Node reads it east. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Whether Node knows the IANA zone by its name (as Postgres does: both read the IANA database). */
function knownTimeZone(zone: string): boolean {
  if (!ZONE_NAME.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The day it is now in the zone, as `YYYY-MM-DD`. */
export const todayIn = (timeZone: string, now = new Date()): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

const addDays = (date: string, days: number): string => new Date(Date.parse(date) + days * DAY_MS).toISOString().slice(0, 10);

/** The days and zone of an activity query, before their defaults. */
const daysShape = {
  from: day(),
  to: day(),
  timeZone: z.string().refine(knownTimeZone, 'is not an IANA time zone (such as Europe/Paris or UTC)').default('UTC'),
};

/** The days asked for, defaulting to the last 30 up to today in the zone. */
function filledDays<Query extends { from?: string; to?: string; timeZone: string }>({ from, to, ...rest }: Query): Omit<Query, 'from' | 'to'> & { from: string; to: string } {
  const last = to ?? todayIn(rest.timeZone);
  return { ...rest, to: last, from: from ?? addDays(last, -29) };
}

/** Refuses, named at `from`, days that end before they start or span more than `MOST_DAYS`. */
function checkedDays({ from, to }: { from: string; to: string }, context: z.RefinementCtx): void {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) context.addIssue({ code: 'custom', path: ['from'], message: 'is after `to`; give a day on or before it' });
  if (days > MOST_DAYS) context.addIssue({ code: 'custom', path: ['from'], message: `is more than ${MOST_DAYS} days before \`to\`; ask for ${MOST_DAYS} days at most` });
}

/** The query of `GET /projects/:id/activity`: its days, and one workflow of the project if asked for. */
export const activityQuerySchema = z
  .strictObject({ ...daysShape, workflowId: z.uuid('is not a workflow id').optional() })
  .transform(filledDays)
  .superRefine(checkedDays);
export type ActivityQuery = z.output<typeof activityQuerySchema>;

/** The query of `GET /account/activity`: its days, and one project if asked for. */
export const ownActivityQuerySchema = z
  .strictObject({ ...daysShape, projectId: z.uuid('is not a project id').optional() })
  .transform(filledDays)
  .superRefine(checkedDays);
export type OwnActivityQuery = z.output<typeof ownActivityQuerySchema>;
