import type { SubjectClassification, SubjectResult } from '@chorus/client';
import type { Mark, Task, WorkflowDefinition } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { textPreview } from '../../lib/subjectName';
import { describeWrittenAnswer } from '../../tasks/registry';
import { markInWords, numbered } from '../../tasks/marking/marks';
import { whenInWords } from '../../lib/formats';

/** The definition of each version of the workflow, once read (`useVersionDefinitions`). */
export type DefinitionOf = (version: number) => WorkflowDefinition | undefined;
type TaskConsensus = SubjectResult['consensus'][string];

/** An agreement as a percentage, or a dash without one. */
export const agreementInWords = (agreement: number | null, language: string) =>
  agreement === null ? '—' : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(agreement);

/** A subject's tasks, each with its consensus, in the order of their keys (T0, T1, … T10). */
export const tasksInOrder = <T,>(byTask: Record<string, T>): [string, T][] => Object.entries(byTask).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));

/** One field's consensus as a fields task's result has it (`result.fields`). */
interface FieldConsensus {
  key: string;
  answer: string | null;
  agreement: number | null;
  votes: number;
}

/**
 * A fields task's consensus field by field, each with its agreement and votes (the task's agreement is the least of
 * them): which field volunteers disagree on is what a researcher checks. `otherwise` (the answer in words) for another
 * task, off the path, or a result without its fields.
 */
function FieldsConsensus({ consensus, definition, otherwise }: { consensus: Pick<TaskConsensus, 'notReached'> & { result?: Record<string, unknown> }; definition: Task | undefined; otherwise: ReactNode }) {
  const { t, i18n } = useTranslation();
  const fields = consensus.result?.fields;
  if (definition?.type !== 'fields' || consensus.notReached || !Array.isArray(fields)) return otherwise;
  const labels = new Map(definition.fields.map((field) => [field.key, field.label]));
  return (
    <ul className="lab-field-consensus" data-testid="field-consensus">
      {(fields as FieldConsensus[]).map((field) => (
        <li key={field.key}>
          <bdi>{labels.get(field.key) ?? field.key}</bdi>
          {t('app.colon')}
          {field.votes === 0 ? (
            t('lab.result.fieldNoVotes')
          ) : (
            <>
              <bdi>{field.answer === null ? t('lab.result.fieldNoLeader') : field.answer === '' ? t('lab.result.fieldBlank') : field.answer}</bdi>{' '}
              {t('lab.result.fieldAgreement', { agreement: agreementInWords(field.agreement, i18n.language), count: field.votes })}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** One thing the volunteers marked, as a marking task's result has it (`result.marks`). */
export interface MarkCluster {
  tool: string;
  mark: Mark;
  votes: number;
  kept: boolean;
}

/** The things a marking task's result (`result`) lists as marked (`result.marks`), or null for a result without them. */
export const markClustersOf = (result: Record<string, unknown> | undefined): MarkCluster[] | null => (Array.isArray(result?.marks) ? (result.marks as MarkCluster[]) : null);

type ConsensusPartsProps = { consensus: Pick<TaskConsensus, 'notReached' | 'votes'> & { result?: Record<string, unknown> }; definition: Task | undefined; otherwise: ReactNode };

/** A task's consensus part by part where its type has parts (a form's fields, the things marked); `otherwise` else. */
export function ConsensusParts(props: ConsensusPartsProps) {
  return props.definition?.type === 'marking' ? <MarkingConsensus {...props} /> : <FieldsConsensus {...props} />;
}

/**
 * A marking task's consensus thing by thing, each with how many of the volunteers marked it, those left out (no
 * majority) said so, and how many things one volunteer alone marked: where volunteers saw different things is what a researcher checks.
 */
function MarkingConsensus({ consensus, definition, otherwise }: ConsensusPartsProps) {
  const { t } = useTranslation();
  const clusters = markClustersOf(consensus.result);
  // Things one volunteer alone marked are counted, not listed (`strays`): never kept, and there may be thousands.
  const strays = Number(consensus.result?.strays ?? 0);
  if (definition?.type !== 'marking' || consensus.notReached || !clusters) return otherwise;
  if (!clusters.length && !strays) return t('lab.result.noMarks');
  return (
    <ul className="lab-field-consensus" data-testid="marking-consensus">
      {numbered(definition, clusters.map((cluster) => cluster.mark)).map(({ mark, tool, n }, index) => {
        const cluster = clusters[index]!;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the things marked are a fixed list, in the result's order
          <li key={index}>
            <bdi>{markInWords(t, tool, n, mark)}</bdi>
            {t('app.colon')}
            {t('lab.result.markVotes', { votes: cluster.votes, count: consensus.votes })}
            {!cluster.kept && <> {t('lab.result.markLeftOut')}</>}
          </li>
        );
      })}
      {strays > 0 && (
        <li>
          {t('lab.result.markStrays', { count: strays })} {t('lab.result.markLeftOut')}
        </li>
      )}
    </ul>
  );
}

/** A task's consensus answer in the words of the version it was computed with (a choice's label); its text as it is else. */
export function useConsensusInWords(definitionOf: DefinitionOf) {
  const { t } = useTranslation();
  return (task: string, consensus: TaskConsensus): string => {
    if (consensus.notReached) return notReachedInWords(consensus.notReached, t);
    if (consensus.answer === null) return t('lab.results.noLeader');
    const definition = definitionOf(consensus.workflowVersion)?.tasks[task];
    return definition ? describeWrittenAnswer(definition, consensus.answer, t) : consensus.answer;
  };
}

/**
 * A mark on a consensus that is not among the answers most volunteers gave (under bayes, their learned skills outweighed
 * more votes), which its agreement alone does not tell from a close vote; nothing for any other.
 */
export function AgainstMostVotes({ consensus }: { consensus: Pick<TaskConsensus, 'plurality' | 'votes'> }) {
  const { t } = useTranslation();
  const { plurality } = consensus;
  if (!plurality?.against) return null;
  return (
    <>
      {' '}
      <span className="badge badge-caution" data-testid="against-most-votes">
        {t('lab.results.againstMostVotes', { chose: plurality.answerVotes, votes: consensus.votes, most: plurality.mostVotes })}
      </span>
    </>
  );
}

/** The consensus of the question a task off the path hangs on, as the subject's page has it (with its whole `result`). */
type Question = Pick<TaskConsensus, 'answer' | 'agreement'> & { result?: Record<string, unknown> };

/**
 * What the volunteers who reached a task gave, where the consensus path does not reach it (its `offPath`): two who said
 * there is handwriting and transcribed it are not lost from view because the consensus said there is none. Where the
 * question that led elsewhere (`question`) had no majority, so that the task needs checking, it says how that question
 * split. Nothing for any other task.
 */
export function OffPath({ consensus, definition, question }: { consensus: Pick<TaskConsensus, 'notReached' | 'offPath' | 'needsChecking'>; definition: Task | undefined; question: Question | undefined }) {
  const { t, i18n } = useTranslation();
  const { notReached, offPath } = consensus;
  if (!notReached || !offPath) return null;
  const values = { count: offPath.votes, task: notReached.task };
  const answer = offPath.answer === null ? t('lab.results.noLeader') : definition ? describeWrittenAnswer(definition, offPath.answer, t) : offPath.answer;
  if (consensus.needsChecking) {
    const unsettled = { ...values, answer, split: splitInWords(question, t, i18n.language) };
    return (
      <span className="lab-off-path" data-testid="off-path">
        {' '}
        {definition?.type === 'transcription' ? (
          <Trans i18nKey="lab.results.offPathUnsettledTranscribed" values={unsettled} count={offPath.votes} components={{ answer: <bdi /> }} />
        ) : (
          <Trans i18nKey="lab.results.offPathUnsettled" values={unsettled} count={offPath.votes} components={{ answer: <bdi /> }} />
        )}
      </span>
    );
  }
  return (
    <span className="lab-off-path" data-testid="off-path">
      {' '}
      {offPath.answer === null ? (
        t('lab.results.offPathTied', values)
      ) : (
        <Trans i18nKey="lab.results.offPath" values={{ ...values, answer }} count={offPath.votes} components={{ answer: <bdi /> }} />
      )}
    </span>
  );
}

/** How a question with no majority split: a tie (no answer, or answers with as many votes), else its answer's share. */
function splitInWords(question: Question | undefined, t: TFunction, language: string): string {
  const votes = Object.values((question?.result?.counts ?? {}) as Record<string, number>);
  const most = Math.max(0, ...votes);
  const tied = votes.filter((count) => count === most).length > 1;
  if (!question || question.answer === null || tied) return t('lab.results.splitTie');
  return t('lab.results.splitNoMajority', { agreement: agreementInWords(question.agreement, language) });
}

/**
 * A mark on a consensus worth checking (`needsChecking`: a transcription's word without a majority, a task a question
 * with no majority cut off…), saying so when volunteers asked the team to check it (`askedForCheck`); nothing for any other.
 */
export function NeedsChecking({ consensus }: { consensus: Pick<TaskConsensus, 'needsChecking' | 'askedForCheck'> }) {
  const { t } = useTranslation();
  if (!consensus.needsChecking) return null;
  return (
    <>
      {' '}
      <span className="badge badge-caution" data-testid="needs-checking">
        {t('lab.results.needsChecking')}
      </span>
      {consensus.askedForCheck > 0 && (
        <span className="lab-asked-for-check" data-testid="asked-for-check">
          {' '}
          {t('lab.results.askedForCheck', { count: consensus.askedForCheck })}
        </span>
      )}
    </>
  );
}

/**
 * A classification's volunteer as the raw download names them: a registered one by display name (its `user_name`), a
 * guest or a deleted account as such; each with their id (`user_id`), which the downloads join on (not to a reviewer).
 */
export function VolunteerInWords({ classification }: { classification: Pick<SubjectClassification, 'volunteerId' | 'volunteer'> }) {
  const { t } = useTranslation();
  const { kind, name } = classification.volunteer;
  return (
    <>
      <bdi className="lab-volunteer-name">{name ?? t(`lab.result.volunteers.${kind}`)}</bdi>
      {classification.volunteerId && (
        <>
          {' '}
          <code className="lab-volunteer-id">{classification.volunteerId}</code>
        </>
      )}
    </>
  );
}

/** Why the consensus path does not reach a task: the question before it, whose consensus led elsewhere or is not known yet. */
const notReachedInWords = ({ task, answer }: NonNullable<TaskConsensus['notReached']>, t: TFunction) =>
  answer === null ? t('lab.results.notReachedYet', { task }) : t('lab.results.notReached', { task });

type Retirement = NonNullable<SubjectResult['retirement']>;

/** Whether the workflow still serves the subject, or when and why it was retired, and by whom if by hand. */
export function RetirementInWords({ subject }: { subject: Pick<SubjectResult, 'retirement' | 'goldStandard' | 'takenDown'> }) {
  const { t } = useTranslation();
  const words = retirementInWords(subject, t);
  // Taken down by the team (only researchers, on it, are shown such a subject's results): marked as everywhere else.
  if (!subject.takenDown) return <>{words}</>;
  return (
    <>
      <strong>{t('media.takenDownMark')}</strong> {words}
    </>
  );
}

function retirementInWords({ retirement, goldStandard, takenDown }: Pick<SubjectResult, 'retirement' | 'goldStandard' | 'takenDown'>, t: TFunction): string {
  // Unretired here by name, it stays taken down while another workflow's row is: served nowhere.
  if (!retirement) {
    if (takenDown) return t('lab.results.takenDownElsewhere');
    return goldStandard ? t('lab.results.goldStandard') : t('lab.results.stillServed');
  }
  // A reviewer is told when, not why (`reason` null).
  const when = retirement.reason ? t('lab.results.retired', { how: reasonInWords({ ...retirement, reason: retirement.reason }, t), when: whenInWords(retirement.retiredAt) }) : t('lab.results.retiredWhen', { when: whenInWords(retirement.retiredAt) });
  const retired = retirement.by ? retiredByInWords(when, retirement.by, t) : when;
  return retirement.note ? t('lab.results.retiredWithNote', { retired, note: retirement.note }) : retired;
}

/** Why it was retired, with the task of the rule that retired it (which rule of an `any` was met) where it is known. */
function reasonInWords({ reason, task }: Retirement & { reason: NonNullable<Retirement['reason']> }, t: TFunction): string {
  if (task && (reason === 'agreement' || reason === 'posterior' || reason === 'maximum')) return t(`lab.results.reasonsOnTask.${reason}`, { task });
  return t(`lab.results.reasons.${reason}`);
}

/** A retirement by hand with the member who made it: by name (their id once they left the team), and their role then. */
function retiredByInWords(retired: string, by: NonNullable<Retirement['by']>, t: TFunction): string {
  const who = by.name ?? t('lab.results.formerMember', { id: by.memberId });
  return by.role ? t('lab.results.retiredBy', { retired, who, role: t(`account.settings.invitations.roles.${by.role}`) }) : t('lab.results.retiredByWithoutRole', { retired, who });
}

/** A task's review by a researcher, marked: approved (its consensus changed since, or not) or corrected (the subject's page says by whom and when). */
function Reviewed({ review }: { review: SubjectResult['reviews'][string] | undefined }) {
  const { t } = useTranslation();
  if (!review) return null;
  return (
    <>
      {' '}
      <span className="badge" data-testid="reviewed">
        {t(`lab.results.reviewed.${review.consensusChanged ? 'approvedChanged' : review.state}`)}
      </span>
    </>
  );
}

/**
 * Each task's consensus in a line: its answer in words (a long one's opening; the subject's page has it whole), its
 * agreement and its votes, and whether a researcher approved or corrected it.
 */
export function ConsensusList({ consensus, reviews, definitionOf }: { consensus: SubjectResult['consensus']; reviews: SubjectResult['reviews']; definitionOf: DefinitionOf }) {
  const { t, i18n } = useTranslation();
  const inWords = useConsensusInWords(definitionOf);
  const tasks = tasksInOrder(consensus);
  if (!tasks.length) return <>{t('lab.results.noConsensus')}</>;
  return (
    <ul className="lab-consensus">
      {tasks.map(([task, each]) => (
        <li key={task}>
          {each.notReached ? (
            <>
              {t('lab.results.taskNotReached', { task, why: inWords(task, each), count: each.votes })}
              <NeedsChecking consensus={each} />
            </>
          ) : (
            <>
              {/* The answer isolated (<bdi>), so that one in Arabic or Hebrew does not carry the agreement after it into its own direction. */}
              <Trans
                i18nKey="lab.results.taskConsensus"
                values={{ task, answer: textPreview(inWords(task, each)), agreement: agreementInWords(each.agreement, i18n.language) }}
                count={each.votes}
                components={{ answer: <bdi /> }}
              />
              <AgainstMostVotes consensus={each} />
              <NeedsChecking consensus={each} />
            </>
          )}
          <Reviewed review={reviews[task]} />
        </li>
      ))}
    </ul>
  );
}
