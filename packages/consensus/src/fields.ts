import { type FieldsTask, byCodePoints, fieldComparable } from '@chorus/tasks';
import { NO_MAJORITY_AT_MOST, pluralityVote } from './vote';

/** One field's consensus: the value most volunteers gave, compared as the field's kind means it. */
export interface FieldConsensus {
  key: string;
  /** The value as most of its voters wrote it; null when nobody gave one or the lead is tied. */
  answer: string | null;
  /** The share of the field's votes behind its answer (the leaders' share in a tie); null without votes. */
  agreement: number | null;
  votes: number;
  /** Volunteers behind each value, by the value as compared (`fieldComparable`: "" for blank). */
  counts: Record<string, number>;
  leaders: string[];
}

export interface FieldsConsensus {
  /** Each field's answer, "" where it has none (no votes, a tie). */
  answer: Record<string, string>;
  /**
   * The least agreement of the fields that have votes, a tied field's 0 (a tie is no agreement, as retirement reads
   * it): a form is as settled as its least settled field. Null without votes.
   */
  agreement: number | null;
  /** Each field's consensus, in the task's order. */
  fields: FieldConsensus[];
  /** A field volunteers answered has no majority behind its answer (a tie, 1 of 2, 2 of 5): worth a researcher's check. */
  lowConsensus: boolean;
}

/** The spelling most of `written` use, the first by code points in a tie: `Smith` over `SMITH` if more wrote it so. */
function mostWritten(written: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of written) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([a, countA], [b, countB]) => countB - countA || byCodePoints(a, b))[0]![0];
}

/**
 * A plurality vote per field over the volunteers' values (an answer given under an earlier version may lack a field:
 * it has no vote there). Values are compared as the field's kind means them (`fieldComparable`: text without case or
 * extra spaces, numbers by value); a blank is a value like any other, so a field most left blank is blank.
 */
export function reduceFields(task: FieldsTask, values: readonly Record<string, unknown>[]): FieldsConsensus {
  const fields = task.fields.map((field): FieldConsensus => {
    const given = values.flatMap((value) => (typeof value[field.key] === 'string' ? [value[field.key] as string] : []));
    const vote = pluralityVote(given.map((value) => ({ answer: fieldComparable(field, value) })));
    const answer = vote.answer === null ? null : mostWritten(given.filter((value) => fieldComparable(field, value) === vote.answer));
    return { key: field.key, answer, agreement: vote.agreement, votes: vote.votes, counts: vote.counts, leaders: vote.leaders };
  });
  const voted = fields.filter((field) => field.agreement !== null);
  const agreements = voted.map((field) => (field.answer === null ? 0 : field.agreement!));
  return {
    answer: Object.fromEntries(fields.map((field) => [field.key, field.answer ?? ''])),
    agreement: agreements.length ? Math.min(...agreements) : null,
    fields,
    lowConsensus: voted.some((field) => field.agreement! <= NO_MAJORITY_AT_MOST),
  };
}
