import type { Transform } from 'node:stream';
import { byExcludedVolunteerSql } from '@chorus/db';
import { countedClassificationSql } from '../workflows/workflow-stats-sql';
import { type DownloadForm, type FlatRecord, downloadTime, jsonList, serializer } from './export-format';

/**
 * Each volunteer's counted classifications in the project ($1): not its team's tries while a workflow was a draft, and
 * none of a volunteer while the project keeps them out of its consensus (the rules of consensus). Unlike consensus,
 * those made after their subject retired count too: they are the volunteer's work all the same.
 */
const COUNTED = `SELECT c.user_id, count(*)::int AS classifications, min(c.created_at) AS first_classified_at, max(c.created_at) AS last_classified_at
  FROM workflows w JOIN classifications c ON c.workflow_id = w.id
  WHERE w.project_id = $1 AND ${countedClassificationSql('c')} AND NOT ${byExcludedVolunteerSql('c', '$1')}
  GROUP BY c.user_id`;

/** A volunteer `u` who said yes to being named: an account (never a guest, never a deleted one) that opted in. */
const NAMED = "u.kind = 'registered' AND u.named_in_acknowledgements";
const CREDITED_NAME = 'coalesce(u.credited_name, u.display_name)';

/** The volunteers named: most classifications first, then by name (then a fixed order, for names alike). */
export const CONTRIBUTOR_ROWS = `SELECT ${CREDITED_NAME} AS credited_name, k.classifications, k.first_classified_at, k.last_classified_at
  FROM (${COUNTED}) k JOIN users u ON u.id = k.user_id
  WHERE ${NAMED}
  ORDER BY k.classifications DESC, ${CREDITED_NAME}, k.first_classified_at, u.id`;

/**
 * How many volunteers with a counted classification are named (`named`), and how many others there are
 * (`otherVolunteers`: guests, accounts that did not say yes, deleted accounts; a number only), in one statement.
 */
export const CONTRIBUTOR_SUMMARY = `SELECT count(*) FILTER (WHERE ${NAMED})::int AS named, count(*) FILTER (WHERE NOT (${NAMED}))::int AS "otherVolunteers"
  FROM (${COUNTED}) k JOIN users u ON u.id = k.user_id`;

export interface ContributorSummary {
  named: number;
  otherVolunteers: number;
}

/** The header that carries `otherVolunteers` (`CONTRIBUTOR_SUMMARY`), in every format (the CSV holds the rows only). */
export const OTHER_VOLUNTEERS_HEADER = 'Chorus-Other-Volunteers';

export interface ContributorRow {
  credited_name: string;
  classifications: number;
  first_classified_at: Date;
  last_classified_at: Date;
}

/** The columns, each with what it holds (the API's documentation and README list them). No user id, no email. */
export const CONTRIBUTOR_COLUMNS = {
  credited_name: 'the name the volunteer asked to be credited under, else their display name',
  classifications: 'how many of their classifications in the project count (not the team’s tries in draft workflows, none while the project keeps them out of its consensus; those made after their subject retired count, unlike in consensus)',
  first_classified_at: 'when they made the first of those',
  last_classified_at: 'when they made the last of those',
} as const satisfies Record<keyof ContributorRow, string>;

const COLUMNS = Object.keys(CONTRIBUTOR_COLUMNS);

export const flattenContributor = (row: ContributorRow): FlatRecord => ({
  credited_name: row.credited_name,
  classifications: row.classifications,
  first_classified_at: downloadTime(row.first_classified_at),
  last_classified_at: downloadTime(row.last_classified_at),
});

/**
 * Writes the contributors: in CSV the rows only, as every CSV download writes them (its formula guard included: a name
 * such as `=cmd` is text); in JSON one object, `{ "contributors": [...], "otherVolunteers": N }`, for a researcher to
 * print "and N other volunteers" from.
 */
export function contributorsWriter(form: DownloadForm, otherVolunteers: number): Transform {
  if (form.format === 'csv') return serializer(form, COLUMNS);
  return jsonList(COLUMNS, { before: '{"contributors":', after: `,"otherVolunteers":${otherVolunteers}}\n` });
}
