import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { useFocusInPlaceOfTask } from '../lib/focus';
import { REOPEN_WAIT_DAYS } from '../lib/reopenTries';
import { Link, projectPath } from '../lib/router';
import type { LocalQueue } from '../lib/subjectQueue';

/**
 * What became of the volunteer's last answer on a classify page: stored, kept in the outbox to be sent, kept there until
 * its project is open to volunteers again, or lost (it could not be kept).
 */
export type LastAnswer = 'saved' | 'on-device' | 'awaiting-reopen' | 'lost';

/**
 * Where the subjects stop (finished, paused, closed): a section whose heading takes focus as it comes, so a screen
 * reader says why, and a way on (`to`, the project list unless said). Only the section (`id`) moves focus, not its
 * words: switching the language, or learning meanwhile that the workflow is complete, leaves focus where it is.
 */
function EndOfSubjects({ id, title, back, to = '/', children }: { id: 'finished' | 'set-finished' | 'paused' | 'closed'; title: string; back: string; to?: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusInPlaceOfTask(heading, id);
  return (
    <section className="finished" data-testid={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
      <p>
        <Link to={to}>{back}</Link>
      </p>
    </section>
  );
}

/** Seconds between the checks of `useCompletedMeanwhile`: about a minute in all. */
const COMPLETION_CHECKS = [1, 2, 3, 5, 8, 13, 21];

/**
 * Whether the workflow became complete after the volunteer's last answers: the queue tells them they have seen
 * everything a moment before the worker retires the subjects those answers finished, so ask the workflow again a few
 * times.
 */
function useCompletedMeanwhile(workflowId: string, watch: boolean): boolean {
  const client = useClient();
  const [complete, setComplete] = useState(false);
  useEffect(() => {
    if (!watch) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = (index: number) => {
      if (index >= COMPLETION_CHECKS.length) return;
      timer = setTimeout(async () => {
        const workflow = await client.getWorkflow(workflowId).catch(() => null);
        if (cancelled) return;
        if (workflow?.complete) setComplete(true);
        else check(index + 1);
      }, COMPLETION_CHECKS[index]! * 1000);
    };
    check(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, workflowId, watch]);
  return complete;
}

/** Seconds between the end page's looks at whether a complete workflow has subjects again, while the page is in view. */
export const RECHECK_SECONDS = 60;

/**
 * Whether a complete workflow has subjects to classify again (researchers unretired some, or added more): asked every
 * `RECHECK_SECONDS` while the page is in view, by reading the workflow, which holds no subject for anyone.
 */
function useWorkBack(workflowId: string, watch: boolean): boolean {
  const client = useClient();
  const [back, setBack] = useState(false);
  useEffect(() => {
    if (!watch || back) return;
    let cancelled = false;
    const timer = setInterval(async () => {
      if (document.visibilityState !== 'visible') return;
      const workflow = await client.getWorkflow(workflowId).catch(() => null);
      if (!cancelled && workflow && !workflow.complete && workflow.status === 'active') setBack(true);
    }, RECHECK_SECONDS * 1000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client, workflowId, watch, back]);
  return back;
}

interface CheckingForNew {
  /**
   * Asks the queue again from the end page; how many subjects it brought (those show in the end page's place). A paused
   * or closed workflow it learns of shows as such; it throws only when the check itself failed.
   */
  checkForNew(): Promise<number>;
}

/** What the end page's last check for new subjects found, said in its live region. */
type Checked = 'checking' | 'none' | 'failed';

/**
 * The way back from the end page: "Check for new subjects" asks the queue again (those it brings show at once), and a
 * live region says when the workflow has work again (`back`), or what a check found.
 */
function CheckForNew({ back, checkForNew }: { back: boolean } & CheckingForNew) {
  const { t } = useTranslation();
  const [checked, setChecked] = useState<Checked | null>(null);
  // Work came back since the last check: what that check found is no longer what is said.
  useEffect(() => {
    if (back) setChecked(null);
  }, [back]);
  const check = async () => {
    // Pressed again while checking: the button keeps focus (`aria-disabled`, not `disabled`), and one check is enough.
    if (checked === 'checking') return;
    setChecked('checking');
    try {
      // Subjects brought take the end page's place; none leaves it, saying so.
      if (!(await checkForNew())) setChecked('none');
    } catch {
      setChecked('failed');
    }
  };
  const said = checked === 'checking' ? t('finished.checking') : checked === 'none' ? t('finished.nothingNew') : checked === 'failed' ? t('finished.checkFailed') : back ? t('finished.workBack') : '';
  return (
    <>
      <p role="status" data-testid="work-back">
        {said}
      </p>
      <p>
        <button type="button" className="button button-secondary" onClick={check} aria-disabled={checked === 'checking'}>
          {t('finished.checkForNew')}
        </button>
      </p>
    </>
  );
}

/**
 * Why a complete workflow needs no more answers, as the queue said who retired its subjects: its researchers took the
 * remaining ones out (they retired the last), or its rule retired every one (they have their answers). Otherwise (both
 * did, the rule last; or unknown: learnt from the workflow a moment after the queue, or finished by the researchers),
 * both are said.
 */
function completeBecause(retired: LocalQueue['retired'], t: TFunction): string {
  if (retired?.lastBy === 'researchers') return t('finished.finishedByResearchers');
  if (retired?.byResearchers === 0) return t('finished.finishedByConsensus');
  return t('finished.workflowFinished');
}

/**
 * The workflow needs no more answers, or none from this volunteer, who may have given none yet; or its researchers
 * finished the project, which says nothing of the answers its subjects have. The way on is the project's page, for
 * its other workflows, unless the whole project has finished.
 */
export function Finished({
  workflowId,
  projectSlug,
  classified,
  reason,
  retired,
  checkForNew,
}: { workflowId: string; projectSlug: string; classified: number; reason: LocalQueue['reason']; retired: LocalQueue['retired'] } & CheckingForNew) {
  const { t } = useTranslation();
  const completeMeanwhile = useCompletedMeanwhile(workflowId, reason !== 'workflow-finished' && reason !== 'project-finished' && classified > 0);
  const complete = reason === 'workflow-finished' || completeMeanwhile;
  const projectFinished = reason === 'project-finished';
  const back = useWorkBack(workflowId, complete && !projectFinished);
  const [title, body] =
    projectFinished
      ? [t('finished.projectFinishedTitle'), t('finished.projectFinished')]
      : complete
        ? [t('finished.completeTitle'), completeBecause(retired, t)]
        : [t('finished.title'), t('finished.thanks')];
  return (
    <EndOfSubjects
      id="finished"
      title={title}
      back={projectFinished ? t('app.chooseAnotherProject') : t('finished.back')}
      to={projectFinished ? '/' : projectPath(projectSlug)}
    >
      <p>{body}</p>
      {!projectFinished && <CheckForNew back={back} checkForNew={checkForNew} />}
      {classified > 0 && (
        <p>
          <Trans i18nKey="finished.count" values={{ count: classified }} components={{ strong: <strong data-testid="session-count" /> }} />
        </p>
      )}
    </EndOfSubjects>
  );
}

/**
 * The subject set the volunteer chose has nothing left for them, while the workflow's other sets have: the way on is
 * the project's page, which lists the sets to choose from.
 */
export function SetFinished({ projectSlug }: { projectSlug: string }) {
  const { t } = useTranslation();
  return (
    <EndOfSubjects id="set-finished" title={t('finished.setFinishedTitle')} back={t('finished.chooseAnotherSet')} to={projectPath(projectSlug)}>
      <p>{t('finished.setFinished')}</p>
    </EndOfSubjects>
  );
}

/**
 * The researchers stopped the volunteer's work: they paused the workflow, or closed the project to volunteers (took it
 * back to draft). What became of the last answer, and the way to another workflow: the project's other workflows
 * when only this one is paused, the project list when the project is closed.
 */
export function Stopped({ why, projectSlug, lastAnswer }: { why: 'paused' | 'closed'; projectSlug: string; lastAnswer: LastAnswer | null }) {
  const { t } = useTranslation();
  return (
    <EndOfSubjects id={why} title={t(`${why}.title`)} back={why === 'paused' ? t('paused.back') : t('app.chooseAnotherProject')} to={why === 'paused' ? projectPath(projectSlug) : '/'}>
      <p>{t(`${why}.body`)}</p>
      <LastAnswerNote lastAnswer={lastAnswer} />
    </EndOfSubjects>
  );
}

function LastAnswerNote({ lastAnswer }: { lastAnswer: LastAnswer | null }) {
  const { t } = useTranslation();
  if (lastAnswer === 'saved') return <p>{t('lastAnswer.saved')}</p>;
  if (lastAnswer === 'on-device') return <p>{t('lastAnswer.onDevice')}</p>;
  if (lastAnswer === 'awaiting-reopen') return <p>{t('lastAnswer.awaitingReopen', { days: REOPEN_WAIT_DAYS })}</p>;
  if (lastAnswer === 'lost') return <p>{t('lastAnswer.lost')}</p>;
  return null;
}
