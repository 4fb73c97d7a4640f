import { LOW_CONSENSUS_BELOW, NO_MAJORITY_AT_MOST, WORD_NEEDS_CHECKING_AT_MOST, choiceSupport, consensusOutcome, pluralityStanding } from '@chorus/consensus';
import { type Mark, type RoutingDecision, type SubjectLocation, TASK_COLUMN_FIELDS, TASK_TRAILING_COLUMN_FIELDS, type Task, type TaskColumnField, type TaskTrailingColumnField, type TaskType, columnNamesWithin, consensusValueOf, flatAnswerOf, marksOf } from '@chorus/tasks';
import { flatKnownAnswer } from '../classifications/gold-feedback';
import type { StoredTaskConsensus } from '@chorus/consensus';
import type { HiddenTagsByTask } from '../tags/hidden-tags-sql';
import { type FlatRecord, type RecordOf, answerCell, answersWithList, downloadTime, listOf } from './export-format';
import { type MetadataForm, metadataCells, withMetadataColumns } from './metadata-columns';
import { SUBJECT_LOCATIONS_IN_WORDS } from './subject-locations-column';
import { WITHHELD_IN_WORDS } from './withheld-while-taken-down';

/**
 * A review of a task's consensus: approved or corrected, the answer it settles on (an approval's as it was then), and
 * whether it is an approval whose consensus changed since (`CONSENSUS_CHANGED`).
 */
export interface TaskReview {
  state: 'approved' | 'corrected';
  value: unknown;
  consensus_changed: boolean;
}

export interface ConsensusRow {
  subject_id: string;
  external_id: string | null;
  /** The researcher's metadata of the subject, private keys (`#`, `//`, `!`) included: downloads are for researchers; null while it is taken down (`withheldWhileTakenDownSql`), and on a tombstone. */
  subject_metadata: Record<string, unknown> | null;
  /** Its media as volunteers are served them; null while it is taken down (`withheldWhileTakenDownSql`), and on a tombstone. */
  subject_locations: SubjectLocation[] | null;
  /** It has known answers: served to learn volunteers' skill (and to train them), never retired. */
  gold_standard: boolean;
  /** Its known answers per task key, as uploaded; null for a regular subject. */
  known_answers: Record<string, unknown> | null;
  /** It is in the workflow's training set, served to newcomers first. */
  training: boolean;
  /** The subject sets it is in, oldest first, joined with ";". */
  subject_set_ids: string | null;
  priority: number;
  retired_at: Date | null;
  retirement_reason: string | null;
  /** Why a researcher retired it by hand, in their words. */
  retirement_note: string | null;
  /** The last time a researcher returned it to the queue by hand: when, who (a user id), in which role, and why in their words. */
  unretired_at: Date | null;
  unretired_by: string | null;
  unretired_by_role: string | null;
  unretirement_note: string | null;
  /** The retirement the last unretirement undid, or an earlier moderated one it kept: reason, at, and for one by hand note, by and role. */
  unretired_retirement: Record<string, unknown> | null;
  /** Who retired it by hand (a user id), and in which role: a moderator's take-down, or a researcher's decision. */
  retired_by: string | null;
  retired_by_role: string | null;
  /** The classification whose arrival met the retirement rule; null for other retirements. */
  retired_by_classification_id: string | null;
  /** The workflow version whose retirement rule retired it; null for other retirements. */
  retired_under_version: number | null;
  /** The subject is taken down, its row in some workflow of the project retired by a take-down (`takenDownSql`); null on a tombstone. */
  taken_down: boolean | null;
  /** A take-down's: the retirement it took over (`retirement_detail.earlier`), if it was retired before. */
  retired_before_take_down: Record<string, unknown> | null;
  /** Classifications stored for the subject, the team's tries in draft left out. */
  classification_count: number;
  /** The team's tries while the workflow was a draft (`made_in_draft`), counted toward nothing. */
  draft_tries: number;
  /** The volunteers who marked the subject a favourite, read at the download. */
  favourites: number;
  /** When the subject's row last changed: a classification, a consensus or retirement that changed, a new priority. */
  updated_at: Date;
  /** The workflow version the consensus was computed with; null before the subject's first aggregation. */
  workflow_version: number | null;
  /** The sets this workflow's effects put the subject in, and it is still in, oldest first, joined with ";". */
  routed_into: string | null;
  /** What decided each set of `routed_into` (`effect_memberships.decided_by`), by the set's id; null where not recorded, and without a set. */
  routing_decisions: Record<string, RoutingDecision | null> | null;
  /** The sets this workflow's effects had put the subject in, and it left, the last left last, joined with ";". */
  routed_out_of: string | null;
  /** The other workflows whose effects put the subject in a set that feeds this one, the earliest first, joined with ";". */
  routed_from_workflow_ids: string | null;
  /** Per task: the consensus, the algorithm that reached it, and its whole result (how the votes split, and more). */
  tasks: Record<string, StoredTaskConsensus>;
  /** Researchers' reviews by task: approved or corrected, and the answer it settles on (an approval's as it was then); null when no task is reviewed. */
  reviews: Record<string, TaskReview> | null;
  /** The tags moderators hid for the subject, by task, read at the download; null when none. */
  hidden_tags: HiddenTagsByTask | null;
  /** The subject is in no set the workflow serves: its row is kept, retired, for its consensus. */
  left_workflow: boolean | null;
  /** A `since=` download's tombstone: when the subject left the workflow, its row gone (every other field but its ids null). */
  left_workflow_at: Date | null;
  /** A `since=` download of one set's tombstone: when the subject left the set, its row gone from the set's download (every other field but its ids null). */
  left_subject_set_at?: Date | null;
}

/** The subject's columns, each with what it holds (the API's documentation lists them). */
export const CONSENSUS_COLUMNS = {
  subject_id: "the subject's id",
  external_id: "the researchers' id of the subject, if it has one",
  subject_metadata: `the subject's metadata (JSON: an object), private keys (#, // or !) included; ${WITHHELD_IN_WORDS}`,
  subject_locations: SUBJECT_LOCATIONS_IN_WORDS,
  gold_standard: 'the subject has known answers, so its rule never retires it',
  training: "the subject is in the workflow's training set",
  subject_set_ids: "the subject sets it is in, oldest first, a list (GET /projects/:id/subject-sets names them, to a downloads key too)",
  priority: 'its priority in the workflow (lowest served first under the priority order; 0 unless given)',
  retired: 'whether the subject is retired',
  retired_at: 'when it was retired (ISO 8601)',
  retirement_reason:
    "count, agreement or posterior (the rule that retired it, as it was met then: a later recomputation with skills learned again or a new version keeps the retirement, so the row's `_agreement` or posterior may no longer meet that rule), maximum (it reached its rule's most classifications without meeting it), manual or unlinked",
  retirement_note: "the researcher's or moderator's words, for a subject retired by hand",
  retired_by: 'for a subject retired by hand: the user id of the team member who retired it (GET /projects/:id/members names them)',
  retired_by_role:
    "for a subject retired by hand: that member's role when they retired it, moderator (a reported subject taken off volunteers' screens) or owner, collaborator or scientist (a researcher's decision); for one retired before Chorus kept the role, their role at the download (empty if they left the team)",
  unretired_at: 'the last time it was unretired: when a researcher returned it to the queue by hand (ISO 8601), kept when it retires again; empty if never (or unretired before Chorus kept the moment)',
  unretired_by: 'the last time it was unretired: the user id of the researcher who did it (GET /projects/:id/members names them), kept when it retires again',
  unretired_by_role: 'the last time it was unretired: their role then, owner, collaborator or scientist (empty for an unretirement before Chorus kept the role)',
  unretirement_note: "the last time it was unretired: the researcher's words, kept when it retires again",
  unretired_retirement:
    "the last time it was unretired: the retirement it undid (JSON: an object), its reason and when (at), for a rule's its deciding classification and version, byClassificationId and underVersion, as retired_by_classification_id and retired_under_version had them, and for one by hand its note, by and role, as retirement_note, retired_by and retired_by_role had them (and takenDown, true for a take-down, and takenDownIn, for a take-down carried over from another workflow of the project: the workflow it was made in; and for a take-down of a subject retired already, earlier: the retirement it took over, as retired_before_take_down gave it, with a rule's deciding classification and version, byClassificationId and underVersion, as retired_by_classification_id and retired_under_version gave them), so a moderator's retirement a researcher undid stays on record: a later unretirement of a retirement that was not a moderation's (the rule's, after it) leaves that record, and the unretired_* columns then are the later one's; empty if never (or unretired before Chorus kept it). Unretirements made before Chorus kept them have no byClassificationId and underVersion, nor a take-down's earlier: unretiring cleared the row's retirement then, so they cannot be recovered",
  retired_by_classification_id:
    'the classification whose arrival met the rule (empty for other retirements), kept when the team takes down a subject its rule had retired (taken_down, retired_before_take_down)',
  retired_under_version:
    "the workflow version whose retirement rule retired it (count, agreement, posterior or maximum), so rows retired under a rule since changed can be told apart; empty while it is served and for manual or unlinked retirements, but a take-down of a subject its rule had retired, which keeps it (for retirements before this column, the newest version published by retired_at)",
  taken_down:
    "whether the project's team took the subject down (personal data, sensitive content: a moderator's retirement, a researcher's with takeDown, in this workflow or another of the project, which carries it here): shown to volunteers nowhere, and its media and metadata given by no download (subject_locations, subject_metadata and the metadata.<key> columns empty here, subject_metadata and earlier_locations in the raw download, and a metadata key only it holds names no column), while its row in any workflow of the project is retired by a take-down, so a row a researcher unretired here by name still says true (retired false) while another workflow keeps it down, as the subject's results (takenDown) do; a take-down made or lifted gives the row again to a since= download, and the raw download's rows of the subject too when that changes whether it is taken down anywhere in the project (the first take-down made, the last one lifted: with them). When its retirement here is the take-down, retirement_reason is manual, retired_by and retirement_note say who took it down and why",
  retired_before_take_down:
    "for a take-down of a subject retired already, by its rule or by hand (not one retired only as it left its sets, retirement_reason unlinked: left_workflow says so): that retirement (JSON: an object), its reason and when (at), and for one by hand its note, by and role, as unretired_retirement gives one; a rule's retirement keeps its deciding classification and version in retired_by_classification_id and retired_under_version. Empty otherwise, and once the take-down is unretired (unretired_retirement then keeps it, as its earlier). Take-downs made before retired_by_classification_id was kept through them left it empty, the reason and at here still saying when the rule retired the subject",
  classification_count:
    "classifications stored for the subject, those after its retirement included and the team's tries while the workflow was a draft left out (draft_tries)",
  draft_tries: "the team's tries of the subject while the workflow was a draft (made_in_draft in the raw download), which count toward neither consensus nor retirement",
  favourites:
    'the volunteers who marked the subject a favourite (in whichever workflow they were shown it), as they are at the download: marking one does not change updated_at, so a since= download gives the rows it gives for other reasons with their count now',
  hidden_tags:
    "the tags a moderator or researcher hid for the subject (someone's personal data, an insult), by tagging task (JSON: an object, {\"T1\": [\"call dan on 07700 900123\"]}, each tag as tags[].tag in the task's _result has it); empty when none is hidden. Hidden tags stay in the consensus (the answers that gave them are volunteers' data): drop them on import if you must. Read at the download: hiding a tag does not change updated_at, so a since= download gives the rows it gives for other reasons with their hidden tags now",
  routed_into:
    "the subject sets this workflow's effects put the subject in by its consensus and it is still in, the earliest first, a list (a set it was in already, or that a researcher uploaded it to since, is not listed; GET /projects/:id/subject-sets names them)",
  routed_out_of:
    "the subject sets this workflow's effects had put the subject in and it left (a later consensus no longer met the effect, or a researcher took it out), the earliest left first, a list",
  routed_from_workflow_ids:
    "the other workflows whose effects put the subject in a subject set that feeds this workflow, read through the sets linked to it now (a set unlinked since no longer brings its workflows here; their routed_into and routed_out_of still list it), by their consensus for it, the earliest first, a list, kept once it left the set (that workflow's routed_into and routed_out_of, and this subject's results' routedFrom, say which set and when; the subject may have been served here through another set already, before or besides; a subject uploaded to the set is not listed; GET /workflows/:id names each, to a downloads key too)",
  workflow_version: "the newest workflow version any of the subject's consensus was computed with (empty before its first aggregation; GET /workflows/:id/versions/:n reads it, to a downloads key too)",
  left_workflow:
    "the subject is in no subject set the workflow serves any more (taken out of its set by a researcher or by another workflow's routing, or its set unlinked or deleted): no queue serves it, and its row is kept for its answers and consensus, retired (one retired before it left keeps its retirement_reason, the others say unlinked), until it is in a set the workflow serves again; true on a tombstone too (left_workflow_at: the subject left with its row); false on every other row",
  left_workflow_at:
    "only in a since= download: when the subject left the workflow with its row (never classified there, it was taken out of the set the workflow serves, by a researcher or by routing, or its set was unlinked or deleted), a row with nothing else but subject_id, external_id (kept for a deleted subject), left_workflow (true) and updated_at (the same moment): drop the subject's row you hold; empty on every other row",
  updated_at: "when the subject's row last changed (a classification, an aggregation that changed its consensus, a retirement, a new priority, a researcher's review or its undoing): what since= compares (ISO 8601)",
} as const;

/**
 * The columns after every other but the metadata's (metadata=columns: as many as the subjects' keys), added later so
 * that the others keep their places for a reader that takes columns by position (the metadata's each move on by one:
 * README says so), each with what it holds.
 */
export const CONSENSUS_LAST_COLUMNS = {
  routing_decisions:
    "what decided each routing of routed_into (JSON: an object, by subject set id): the workflow version whose effect fired (version), its condition (when: its task, and the answer or agreement it asks for) and the subject's consensus on that task that met it (answer, agreement), as the subject's results' decidedBy gives them; null for a set whose routing was made before Chorus kept it; empty when routed_into is",
} as const;

/**
 * The column only a since= download of one subject set has (`setSince`: no other can fill it), after the last ones
 * (before the metadata's), so that every other download keeps its columns where they were.
 */
export const CONSENSUS_SET_SINCE_COLUMNS = {
  left_subject_set_at:
    "only in a since= download of one subject set (subjectSetId), after routing_decisions: when the subject left that set (taken out by a researcher or by routing, or moved to another set) and is not in it again, a row with nothing else but subject_id, external_id (kept for a deleted subject) and updated_at (the same moment): drop the subject's row you hold; empty on every other row",
} as const;

/** The subject's columns above that hold JSON: a value in JSON and NDJSON, its JSON text in one CSV cell. */
export const CONSENSUS_JSON_COLUMNS = ['subject_metadata', 'subject_locations', 'unretired_retirement', 'retired_before_take_down', 'hidden_tags'] as const satisfies readonly (keyof typeof CONSENSUS_COLUMNS)[];

/** The subject's columns above that hold a list of ids: a JSON list in JSON and NDJSON, joined with `;` in one CSV cell. */
export const CONSENSUS_LIST_COLUMNS = ['subject_set_ids', 'routed_into', 'routed_out_of', 'routed_from_workflow_ids'] as const satisfies readonly (keyof typeof CONSENSUS_COLUMNS)[];

/**
 * What the `<task>_result` cell holds for each task type, field by field (`a[]`: each element of the list `a`). The
 * API's documentation lists them; README's table of `_result` fields names the same.
 */
export const CONSENSUS_RESULT_FIELDS = {
  single: {
    counts: 'the volunteers who gave each answer (answers nobody gave are left out)',
    leaders: 'the answers in the lead (most votes; under bayesian-confusion the highest posterior), more than one in a tie',
    posterior:
      "each answer's probability: under bayesian-confusion given the volunteers' learned skills; under plurality-vote if every " +
      'volunteer picked the true answer 70 % of the time, an assumption, so it grows with the margin of votes and is no calibrated probability (read _agreement for a vote)',
  },
  multiple: {
    answers: 'one entry per answer of the task, in its order',
    'answers[].answer': "the answer's value",
    'answers[].votes': 'the volunteers who ticked it',
    'answers[].share': 'votes over the volunteers who answered the task',
    'answers[].probability': 'the probability that it applies, every volunteer assumed right 70 % of the time (above 0.5 exactly when more than half ticked it)',
    'answers[].selected': 'its probability is above 0.5: it is in the answer',
    selected: "the selected answers, in the task's order (the answer column, as a list)",
  },
  transcription: {
    text: 'the consensus text (the answer column)',
    lines: 'the aligned slots, line by line of text',
    'lines[][].word':
      'the reading of the slot most transcriptions have (a tie goes to a word over none, then to one with another reading of the slot near it, never to a word written on another line, then to the one with more letters beyond ASCII, the page\'s ſ, æ or é, then to the first in alphabetical order), as most of them typed it, or "" where most have no word and some added one (not in text)',
    'lines[][].agreement': 'the share of the transcriptions with that reading in the slot',
    'lines[][].variants': 'the other readings of the slot, each with how many transcriptions have it ("": no word)',
    'lines[][].tags': 'the text tags (textTags) that at least half of the transcriptions with a word in the slot put around it (absent without any)',
    breaks: 'the line breaks the transcriptions disagree on, when they break their lines differently (else empty): slots of the score, as those of lines are',
    'breaks[].line': 'with after, where the break is: after lines[line][after]',
    'breaks[].after': 'the index in lines[line] of the word the break follows',
    'breaks[].votes': 'the transcriptions that break their line there (one that left out the words there, such as a whole line, counts as breaking where others do)',
    'breaks[].agreement': 'the share of the transcriptions that agree with the consensus there',
    'breaks[].kept': 'the consensus breaks its line there (more than half do)',
    score: 'the mean agreement of every slot of lines and breaks (the agreement column)',
    lowConsensus: `worth a review: fewer than 2 transcriptions, a score below ${LOW_CONSENSUS_BELOW}, a slot of lines whose reading has no majority (agreement ${WORD_NEEDS_CHECKING_AT_MOST} or less: look for those slots), or a consensus not aligned in full (overBudget)`,
    transcriptions: 'the transcriptions counted (the votes column), those set aside included',
    setAside: 'long transcriptions (over 200 words) set aside before aligning as sharing too few pairs of adjacent words with the one most like the others to be of the same text: counted in transcriptions and in every agreement, as no word there, but not aligned',
    overBudget: 'true when aligning would have passed the work a subject may take (600,000 cells of alignment per transcription): the consensus is then the transcription most like the others, each word\'s agreement the share of transcriptions with that word anywhere in them, and lowConsensus is true',

    unchanged: 'a correction (the task\'s startFrom "subject-text") only: the transcriptions that left the subject\'s text as it was, "no change needed" (the same words, however spaced or broken into lines); absent for a task that starts empty or a subject without text',
    corrected: 'a correction only, as unchanged: whether the consensus text differs from the subject\'s text (false: the crowd left it as it was)',
    askedForCheck: 'how many counted transcriptions (not a draft try, an answer after retirement or an excluded volunteer\'s) had their volunteer tick "I\'m not sure: ask the team to check this" (the raw download\'s <task>_asked_for_check): any makes the task\'s _needs_checking true, however much the others agree; absent when none did',
  },
  'close-reading': {
    sense: 'the consensus sense (the answer column), null in a tie or when every answer was unsure',
    leaders: 'the senses with the most votes, more than one in a tie',
    counts: 'the votes for each sense, unsure answers left out',
    agreement: "the leading sense's share of all answers, unsure ones included (the agreement column)",
    decided: 'the answers that chose a sense without being unsure',
    unsure: 'the answers marked unsure, or choosing no sense',
    unsureShare: 'unsure over all answers: a high value points at a hard or ambiguous subject',
    evidence: 'the evidence of the volunteers who chose the consensus sense (of all, in a tie)',
    'evidence.spans': 'the [start, end) spans of characters that at least half of those who marked evidence marked, as offsets into the subject\'s first text location (UTF-16 code units)',
    'evidence.overlap': 'the mean overlap (Jaccard) of the characters each two of them marked (null when fewer than two marked any)',
    'evidence.volunteers': 'how many of them marked evidence',
  },
  tagging: {
    accepted: 'the accepted tags (the answer column), most applied first',
    tags: 'every tag proposed, agreed with or disagreed with, most applied first',
    'tags[].tag': 'the tag, trimmed, in lower case, inner spaces collapsed',
    'tags[].up': 'the volunteers who proposed it or agreed with it',
    'tags[].down': 'the volunteers who disagreed with it',
    'tags[].score': 'up − down, the net score CrowdHeritage shows (not what decides)',
    'tags[].share': 'up over the volunteers who answered the task (one who left the tag alone counts against it)',
    'tags[].lowerBound':
      'the lower bound of the 95 % Wilson score interval (z = 1.96, two-sided) of up over up + down: how sure its agreeing majority is (not what decides)',
    'tags[].accepted': 'the tag is accepted: share above 0.5 and more up than down',
  },
  fields: {
    fields: "one entry per field of the task, in its order (the answer column is the object of their answers; each is in its <task>.<field> column too)",
    'fields[].key': "the field's key",
    'fields[].answer': 'the value most volunteers gave, as most of them wrote it ("" when most left it blank); null in a tie or without votes',
    'fields[].agreement': "the share of the field's votes behind its answer (in a tie, each leader's share); the task's agreement column is the least of its fields', 0 while a field is tied",
    'fields[].votes': 'the volunteers who gave the field a value, blank included (an answer given under a version without the field gives it none)',
    'fields[].counts': 'the volunteers behind each value, by the value as compared: text in lower case, spaces collapsed, compatibility characters as their letters (as tags are compared); numbers by their value (12.50 is 12.5); dates and choices as written; "" for blank',
    'fields[].leaders': 'the values (as compared) in the lead, more than one in a tie',
    lowConsensus: `worth a review: a field volunteers answered has no majority behind its answer (agreement ${NO_MAJORITY_AT_MOST} or less: a tie, 1 of 2, 2 of 5); the task's _needs_checking`,
  },
  marking: {
    marks: "every thing kept or marked by 2 volunteers or more (one alone and left out: counted in strays), tool by tool: their marks gathered, whatever order the answers came in (pairs of marks nearest first; points within the tool's tolerance, rectangles overlapping by at least half, intersection over union, every two marks of a thing so; one mark of each volunteer per thing), by tool in the task's order, then y, then x",
    'marks[].tool': "the tool's key",
    strays: 'how many things only one volunteer marked and the consensus left out, not in marks (they count in the agreement)',
    'marks[].mark': 'where the thing is: the median of its marks\' x and y (and width and height), rounded to 0.1 px, as an answer\'s mark is written',
    'marks[].votes': 'the volunteers who marked it',
    'marks[].share': 'votes over the volunteers who answered the task (an empty answer counts against every thing)',
    'marks[].kept': 'in the consensus answer: marked by more than half of the volunteers who answered; the task\'s agreement column is the least, over every thing, of max(share, 1 − share), 1 when nothing was marked',
    counts: "the kept marks of each tool, by its key, as the volunteers' consensus has them (each in its <task>.<tool> column too; a review's marks are in _reviewed_answer, not here)",
    overBudget: "true when gathering the marks would have passed the work a subject may take (75,000 pairs of marks compared per answer, as long as the 600,000 cells of a transcription): marks in one cell of a grid (the tool's tolerance, or a rectangle's size class) are then one thing, and lowConsensus is true",
    lowConsensus: "worth a review: a thing marked by a third to two thirds of the volunteers who answered (1 or 2 of 3, 2 of 4, 2 or 3 of 5), so no clear majority says whether it is there (one in three saw it: dropped), or the gathering passed its work budget (overBudget); the task's _needs_checking",
  },
} as const satisfies Record<TaskType, Record<string, string>>;

/** The result fields as the API's documentation lists them: a list per task type. */
function resultFieldsInWords(): string {
  const fieldsOf = (fields: Record<string, string>) => Object.entries(fields).map(([field, holds]) => `    - \`${field}\`: ${holds}`);
  return Object.entries(CONSENSUS_RESULT_FIELDS)
    .flatMap(([type, fields]) => [`  - ${type}:`, ...fieldsOf(fields)])
    .join('\n');
}

/** The columns of each task (`<task>_<field>`), after the subject's: the answer, its agreement and votes, then how it was reached. */
export const CONSENSUS_TASK_COLUMNS = {
  answer: "the consensus answer, flattened as the raw download's answers are (choices and tags a list; a fields task's the object of its fields' answers, \"\" for a field without one, and each in its <task>.<field> column; a marking task's the list of the marks kept, [] for none, and how many of each tool in its <task>.<tool> column: a JSON value in json and ndjson, its JSON text in a CSV cell). The volunteers' consensus, whatever a review says (its answer is in _reviewed_answer), as every <task>.<field> and <task>.<tool> column is; empty without one (a tie, no votes, or a task the consensus path does not reach)",
  reached:
    "whether the consensus path reaches the task: from firstTask, each question's consensus answer leads to the next task as a volunteer's answer does. False when the crowd's answer to an earlier question led elsewhere (\"Is there an advertisement?\" no, so \"What is advertised?\" is not reached), or that question has no consensus answer yet (a tie, no votes: the tasks behind it wait for one); then _answer and _agreement are empty, _votes still counts the volunteers who answered it, and _result keeps how they split, with notReached: {task, answer}, the question that led elsewhere and its consensus answer (null: none yet), and, when volunteers answered it, offPath: {answer, agreement, votes}, the consensus of their answers alone (what the two who said yes transcribed), which _answer leaves out so that no reader takes it for the subject's. Empty before the subject's first aggregation (consensus computed before this column says true until the workflow is aggregated again)",
  agreement:
    "the share of the counted volunteers behind the answer: who gave exactly that answer (a multiple choice or tagging task: exactly that set of choices or tags, an empty one too; a close reading: of all its answers, unsure ones included) or, in a tie (_outcome tie), each leading answer's share; 0 when every close reading was unsure; a transcription: its alignment score; empty for _outcome no_votes or not_reached. Under bayesian-confusion still a share of the votes, not a confidence (read _result's posterior)",
  votes: 'how many counted classifications answered the task',
  against_plurality:
    "for a single choice or a close reading with an answer: true when the answer is not among those most volunteers gave (under bayesian-confusion, the volunteers' learned skills, or the answers' prior, outweighed more votes: 4 of 11 can beat 7; _result's counts say how the votes split), false when it is; empty for the other task types (whose consensus is no one answer among counted ones) and without an answer (no votes, a tie)",
  algorithm: 'plurality-vote, bayesian-confusion, binary-vote-per-answer, word-alignment-vote, sense-vote, tag-majority, field-plurality-vote or mark-clustering',
  workflow_version: "the workflow version the task's consensus was computed with (a task that later versions dropped keeps the consensus computed before)",
  known_answer:
    "a gold-standard subject's known answer, flattened as the answer column is, to compare with it (and with the raw download's answers); empty when the subject has none for the task, or one the task cannot take",
  result: `the algorithm's whole output (JSON: an object), by task type (\`a[]\`: each element of the list \`a\`):\n${resultFieldsInWords()}`,
} as const satisfies Record<TaskColumnField, string>;

/** Each task's columns above (`<task>_<field>`) that hold JSON, as `CONSENSUS_JSON_COLUMNS` do. */
export const CONSENSUS_JSON_TASK_COLUMNS = ['result'] as const satisfies readonly TaskColumnField[];

/**
 * Each task's columns that hold its answer (`answerCell`): a list for a multiple choice or tagging task, as
 * `CONSENSUS_LIST_COLUMNS` do; JSON for a fields or marking task, as `CONSENSUS_JSON_COLUMNS` do.
 */
export const CONSENSUS_ANSWER_TASK_COLUMNS = ['answer', 'known_answer', 'reviewed_answer'] as const satisfies readonly (TaskColumnField | TaskTrailingColumnField)[];
const consensusAnswerColumnsNamed = CONSENSUS_ANSWER_TASK_COLUMNS.map((field) => `<task>_${field}`);

/** The consensus download's columns that hold JSON, as its documentation names them. */
export const CONSENSUS_JSON_COLUMNS_NAMED: readonly string[] = [...CONSENSUS_JSON_COLUMNS, ...CONSENSUS_JSON_TASK_COLUMNS.map((field) => `<task>_${field}`), ...consensusAnswerColumnsNamed, ...Object.keys(CONSENSUS_LAST_COLUMNS)];

/** The consensus download's columns that hold a list, as its documentation names them. */
export const CONSENSUS_LIST_COLUMNS_NAMED: readonly string[] = [...CONSENSUS_LIST_COLUMNS, ...consensusAnswerColumnsNamed];

/** The columns of a download of `tasks` that hold a list: the subject's, and those of each task whose answer is a list. */
export const consensusListColumns = (tasks: ReadonlyMap<string, Task>): string[] => [
  ...CONSENSUS_LIST_COLUMNS,
  ...[...tasks].filter(([, task]) => answersWithList(task)).flatMap(([key]) => CONSENSUS_ANSWER_TASK_COLUMNS.map((field) => `${key}_${field}`)),
];

/** Then, after every task's columns above (so that they keep their places), these of each task, in the tasks' order. */
export const CONSENSUS_TRAILING_TASK_COLUMNS = {
  outcome:
    "why _answer is what it is, or empty: answer (a consensus answer); empty_answer (the consensus is that nothing applies: a multiple choice with no answer ticked by more than half, a tagging task with no tag accepted, a transcription of no words); tie (a single choice or close reading whose leading answers have as many votes, or under bayesian-confusion as much posterior; _result's leaders names them); all_unsure (a close reading whose every answer was unsure or chose no sense); no_votes (no counted classification answered the task, or the subject has not been aggregated yet: _votes 0); not_reached (the consensus path does not reach the task, _reached false, whatever its votes). Retirement has no part in it: an unretired subject's consensus is computed as its answers come",
  support:
    "only for a multiple choice or tagging task: each choice (a tag: as tags[].tag in _result has it) that volunteers picked (ticked; a tag: proposed or agreed with) and the share of the volunteers who answered the task that did, as choice=share joined with ';' (horse=1;cat=0.75; split each at its last =, as a tag may hold one), the largest share first, then in the choices' code-point order (uppercase before lowercase), shares rounded to 4 places; empty when nobody picked any (or nobody answered)",
  reviewed:
    "a review of the task's consensus by a researcher or a reviewer (PUT /workflows/:id/subjects/:subjectId/reviews/:task): approved (the consensus answer as it was then) or corrected (their own answer); empty when not reviewed. An approval stays approved when later votes or a re-aggregation change the consensus: _consensus_changed says whether it did",
  reviewed_answer:
    'the answer the review settles on, flattened as _answer is: the corrected answer, or the consensus answer approved, as it was when approved (not the consensus now); empty when not reviewed',
  needs_checking:
    "whether the task's consensus is worth a researcher's check (the results' needsChecking): true for a transcription a volunteer asked the team to check (its _result's askedForCheck, on the consensus path or off it), for a transcription, a fields or a marking task on the consensus path whose _result has lowConsensus (and at least one answer), and for a task of any type off the consensus path (_reached false) that volunteers answered (_votes above 0, its _result's offPath) where the question that cut it off (notReached.task) has no answer (a tie, no votes) or an _agreement of 0.5 or less (one \"no\" and one \"yes\" with a transcription: the transcription is in no consensus); false otherwise; empty before the subject's first aggregation",
  consensus_changed:
    "for an approval (_reviewed approved): true when the task's consensus changed since it was approved (later votes or a re-aggregation gave another answer, a tie or none: _answer is no longer _reviewed_answer's answer), as the review's consensusChanged in the results says, compared by content, not text, as the version that computed each defines the task (the same choices, tags or marks in another order, a form's fields in another order, a text composed otherwise are the same answer); false when it is the same answer, and for a correction; empty when not reviewed. The results' consensusChanged=true lists the subjects to approve again or correct",
} as const satisfies Record<TaskTrailingColumnField, string>;

/** The task types whose consensus has a `<task>_support`: each of their choices is decided by itself. */
const SUPPORTED_TYPES: ReadonlySet<TaskType> = new Set(['multiple', 'tagging']);

/**
 * After every task's trailing columns, one per field of each fields task, `<task>.<field>` (a key holds no "."): the
 * field's consensus answer, as in the task's `_answer` object.
 */
export const CONSENSUS_FIELD_COLUMNS_IN_WORDS =
  'only for a fields task, one column per field, after every task\'s columns: the field\'s consensus answer as the object in `<task>_answer` holds it ("" when most volunteers left it blank, and in a tie: `_result`\'s fields[].answer, null, tells them apart); empty where `_answer` is';

/**
 * After the fields tasks' columns, in the same place (the tasks' order), one per tool of each marking task,
 * `<task>.<tool>`: how many marks of the tool the consensus keeps.
 */
export const CONSENSUS_TOOL_COLUMNS_IN_WORDS =
  "only for a marking task, one column per tool, beside the fields tasks' columns in the tasks' order: how many marks of the tool the consensus answer keeps (the penguins counted on the image: `_result`'s counts); empty where `_answer` is, and for a tool added since the version the consensus was computed with. (a review does not change it: the marks a review settles on are in `_reviewed_answer`, counted in `<task>_reviewed.<tool>`)";

/**
 * Beside a marking task's `<task>.<tool>` columns, one per tool, `<task>_reviewed.<tool>`: how many marks of the tool
 * the review settles on (`<task>_reviewed_answer`), as `<task>.<tool>` counts `<task>_answer`'s.
 */
export const CONSENSUS_REVIEWED_TOOL_COLUMNS_IN_WORDS =
  "only for a marking task, one column per tool, after its `<task>.<tool>` columns: how many marks of the tool the review settles on (`_reviewed_answer`'s, as `<task>.<tool>` counts `_answer`'s: the penguins a researcher or reviewer corrected the count to, or the consensus's approved), 0 for a tool it has none of; empty when the task is not reviewed (`_reviewed` empty)";

/**
 * A fields task's `<task>.<field>` columns, a marking task's `<task>.<tool>` (`columnNamesWithin`) then its
 * `<task>_reviewed.<tool>`; none for the other task types.
 */
const dottedColumnsOf = (key: string, task: Task): string[] => {
  const names = columnNamesWithin(task);
  return [...names.map((name) => `${key}.${name}`), ...(task.type === 'marking' ? names.map((name) => `${key}_reviewed.${name}`) : [])];
};

/** A marking task's `<task>_reviewed.<tool>` cells: each tool's count of the marks its review settles on; empty without one. */
const reviewedCountCells = (key: string, task: Task, review: TaskReview | undefined): FlatRecord => {
  if (task.type !== 'marking') return {};
  const marks = Array.isArray(review?.value) ? (review.value as Mark[]) : [];
  return Object.fromEntries(task.tools.map((tool) => [`${key}_reviewed.${tool.key}`, review ? marksOf(marks, tool).length : null]));
};

/**
 * A fields task's `<task>.<field>` cells, a marking task's `<task>.<tool>`, from its consensus answer (JSON text): each
 * field's value, each tool's count of marks; empty without one. A review does not change them: it is beside the
 * consensus (`<task>_reviewed_answer`), as every `<task>.<x>` column derives from `<task>_answer`.
 */
function dottedCells(key: string, task: Task, consensus: StoredTaskConsensus | undefined): FlatRecord {
  const answer = consensus?.answer;
  if (task.type === 'marking') {
    // A tool the version the consensus was computed with had not (added since) has no count: empty, not 0.
    const counts = (answer ? consensus?.result.counts : undefined) as Record<string, number> | undefined;
    return Object.fromEntries(task.tools.map((tool) => [`${key}.${tool.key}`, counts?.[tool.key] ?? null]));
  }
  if (task.type !== 'fields') return {};
  const values = answer ? (consensusValueOf(task, answer) as Record<string, string>) : {};
  return Object.fromEntries(task.fields.map((field) => [`${key}.${field.key}`, values[field.key] ?? null]));
}

/** A task's trailing columns (`CONSENSUS_TRAILING_TASK_COLUMNS`): `support` for the task types that have one. */
const trailingFieldsOf = (task: Task): TaskTrailingColumnField[] => TASK_TRAILING_COLUMN_FIELDS.filter((field) => field !== 'support' || SUPPORTED_TYPES.has(task.type));

/** A task's `<task>_answer`: its consensus answer (`result`, none before the subject's first aggregation), flattened. */
const consensusAnswerCell = (definition: Task, result: Pick<StoredTaskConsensus, 'answer'> | undefined) => answerCell(definition, result?.answer ?? null);

/** A task's `<task>_reviewed_answer`: the answer its review settles on, flattened; null when it is not reviewed. */
const reviewedAnswerCell = (definition: Task, review: TaskReview | undefined) => (review ? answerCell(definition, flatAnswerOf(definition, review.value)) : null);

/**
 * The answer a task settles on for a subject, as the consensus download gives it: `<task>_reviewed_answer` when a
 * researcher or reviewer reviewed it (approved or corrected), else `<task>_answer`.
 */
export const settledAnswerCell = (definition: Task, result: Pick<StoredTaskConsensus, 'answer'> | undefined, review: TaskReview | undefined) =>
  review ? reviewedAnswerCell(definition, review) : consensusAnswerCell(definition, result);

/**
 * One record per subject: one column per task field, the same columns in every format, nested values only in the
 * columns that hold JSON (`CONSENSUS_JSON_COLUMNS`, `CONSENSUS_JSON_TASK_COLUMNS`). `tasks`
 * holds each task key's definition in the newest version that has it; `metadata`, how the subject's metadata is given;
 * `setSince`, a since= download of one set (`CONSENSUS_SET_SINCE_COLUMNS`).
 */
export function flatten(row: ConsensusRow, tasks: ReadonlyMap<string, Task>, metadata: MetadataForm, setSince = false): FlatRecord {
  if (row.left_workflow_at || row.left_subject_set_at) return tombstone(row, tasks, metadata, setSince);
  const subject: RecordOf<Exclude<keyof typeof CONSENSUS_COLUMNS, 'subject_metadata'>, (typeof CONSENSUS_JSON_COLUMNS)[number], (typeof CONSENSUS_LIST_COLUMNS)[number]> = {
    subject_id: row.subject_id,
    external_id: row.external_id,
    subject_locations: row.subject_locations,
    gold_standard: row.gold_standard,
    training: row.training,
    subject_set_ids: listOf(row.subject_set_ids),
    priority: row.priority,
    retired: row.retired_at !== null,
    retired_at: downloadTime(row.retired_at),
    retirement_reason: row.retirement_reason,
    retirement_note: row.retirement_note,
    retired_by: row.retired_by,
    retired_by_role: row.retired_by_role,
    unretired_at: downloadTime(row.unretired_at),
    unretired_by: row.unretired_by,
    unretired_by_role: row.unretired_by_role,
    unretirement_note: row.unretirement_note,
    unretired_retirement: row.unretired_retirement,
    retired_by_classification_id: row.retired_by_classification_id,
    retired_under_version: row.retired_under_version,
    taken_down: row.taken_down,
    retired_before_take_down: row.retired_before_take_down,
    classification_count: row.classification_count,
    draft_tries: row.draft_tries,
    favourites: row.favourites,
    hidden_tags: row.hidden_tags,
    routed_into: listOf(row.routed_into),
    routed_out_of: listOf(row.routed_out_of),
    routed_from_workflow_ids: listOf(row.routed_from_workflow_ids),
    workflow_version: row.workflow_version,
    left_workflow: row.left_workflow,
    left_workflow_at: null,
    updated_at: downloadTime(row.updated_at),
  };
  const record: FlatRecord = { ...subject, ...metadataCells(row.subject_metadata, metadata) };
  for (const [task, definition] of tasks) {
    const result = row.tasks[task];
    const known = row.known_answers && Object.hasOwn(row.known_answers, task) ? row.known_answers[task] : undefined;
    record[`${task}_answer`] = consensusAnswerCell(definition, result);
    record[`${task}_reached`] = result ? !result.not_reached : null;
    record[`${task}_agreement`] = result?.agreement ?? null;
    record[`${task}_votes`] = result?.votes ?? 0;
    record[`${task}_against_plurality`] = result ? (pluralityStanding(result)?.against ?? null) : null;
    record[`${task}_algorithm`] = result?.algorithm ?? null;
    record[`${task}_workflow_version`] = result?.workflow_version ?? null;
    record[`${task}_known_answer`] = known === undefined ? null : answerCell(definition, flatKnownAnswer(definition, known));
    record[`${task}_result`] = result ? result.result : null;
    record[`${task}_outcome`] = consensusOutcome(result);
    if (SUPPORTED_TYPES.has(definition.type)) record[`${task}_support`] = result ? choiceSupport(result.result) : null;
    const review = row.reviews?.[task];
    record[`${task}_reviewed`] = review?.state ?? null;
    record[`${task}_reviewed_answer`] = reviewedAnswerCell(definition, review);
    record[`${task}_needs_checking`] = result ? result.needs_checking : null;
    record[`${task}_consensus_changed`] = review?.consensus_changed ?? null;
  }
  for (const [task, definition] of tasks) Object.assign(record, dottedCells(task, definition, row.tasks[task]), reviewedCountCells(task, definition, row.reviews?.[task]));
  const last: RecordOf<keyof typeof CONSENSUS_LAST_COLUMNS, 'routing_decisions'> = { routing_decisions: row.routing_decisions };
  const setLast: RecordOf<keyof typeof CONSENSUS_SET_SINCE_COLUMNS, never> = { left_subject_set_at: null };
  return Object.assign(record, last, setSince ? setLast : {});
}

/**
 * The row of a subject that left the workflow (a `since=` download's tombstone): its ids, that it left (`left_workflow`,
 * as a kept row that left says it) and when, every other column empty; or of one that left the set a download is
 * limited to (`left_subject_set_at`), its ids and when.
 */
function tombstone(row: ConsensusRow, tasks: ReadonlyMap<string, Task>, metadata: MetadataForm, setSince: boolean): FlatRecord {
  const record: FlatRecord = Object.fromEntries(columnsOf(tasks, metadata, setSince).map((column) => [column, null]));
  const ids = { subject_id: row.subject_id, external_id: row.external_id };
  if (row.left_subject_set_at) return { ...record, ...ids, left_subject_set_at: downloadTime(row.left_subject_set_at), updated_at: downloadTime(row.left_subject_set_at) };
  const leftAt = downloadTime(row.left_workflow_at);
  return { ...record, ...ids, left_workflow: true, left_workflow_at: leftAt, updated_at: leftAt };
}

/**
 * The download's columns, in order: the subject's, each task's, each task's trailing ones (added later, after every
 * task's; readers take columns by name), then a fields task's and a marking task's, then the last ones
 * (`CONSENSUS_LAST_COLUMNS`), then in a since= download of one set (`setSince`) `CONSENSUS_SET_SINCE_COLUMNS`; with
 * metadata=columns, the metadata's after them in place of `subject_metadata`.
 */
export function columnsOf(tasks: ReadonlyMap<string, Task>, metadata: MetadataForm, setSince = false): string[] {
  const perTask = [...tasks.keys()].flatMap((task) => TASK_COLUMN_FIELDS.map((field) => `${task}_${field}`));
  const trailing = [...tasks].flatMap(([task, definition]) => trailingFieldsOf(definition).map((field) => `${task}_${field}`));
  const dotted = [...tasks].flatMap(([task, definition]) => dottedColumnsOf(task, definition));
  return withMetadataColumns([...Object.keys(CONSENSUS_COLUMNS), ...perTask, ...trailing, ...dotted, ...Object.keys(CONSENSUS_LAST_COLUMNS), ...(setSince ? Object.keys(CONSENSUS_SET_SINCE_COLUMNS) : [])], metadata);
}
