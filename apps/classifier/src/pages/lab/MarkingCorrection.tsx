import type { QueuedSubject, SubjectResultDetail } from '@chorus/client';
import { type Mark, markedImageOf } from '@chorus/tasks';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubjectMedia } from '../../components/SubjectMedia';
import { OpenImageContext, useOpenImageState } from '../../components/viewer/openImage';
import type { Saying } from '../../lib/said';
import { MarkingTask } from '../../tasks/marking/MarkingTask';
import type { FocusLayer, LeftOut } from '../../tasks/marking/MarkingLayer';
import { centreOf, placeInWords, type Task, whyNotPlaced } from '../../tasks/marking/marks';
import { type MarkCluster, markClustersOf } from './SubjectResultParts';

/** What the marks to correct start as: the consensus's, the correction saved, or nothing (no consensus answer). */
export type MarksFrom = 'consensus' | 'correction' | 'nothing';

const sameMark = (a: Mark, b: Mark) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The things two volunteers or more marked that the consensus left out (`result.marks`, not kept), of a tool the task
 * still has and not among `marks` already: what a correction may add back.
 */
const leftOut = (task: Task, result: Record<string, unknown> | undefined, marks: readonly Mark[]): MarkCluster[] =>
  (markClustersOf(result) ?? []).filter((cluster) => !cluster.kept && task.tools.some((tool) => tool.key === cluster.mark.tool) && !marks.some((mark) => sameMark(mark, cluster.mark)));

/**
 * A marking task's correction: the subject's image with the marks drawn over it, in the classifier's own marking task
 * (tools, the image's layer, the list of marks with their Remove buttons, all usable by keyboard), starting as `from`
 * says; and the things some volunteers marked that the consensus left out, each offered to add back within the tool's
 * limits, in a list and drawn on the image (dashed and hollow, each a button named "Left out: …"). Its own image, open image and keys (`data-own-keys`): the page's media section shows the subject as it is,
 * and a key pressed here turns or zooms this image only.
 */
export function MarkingCorrection({
  id,
  task,
  taskKey,
  workflowId,
  subject,
  marks,
  from,
  result,
  votes,
  onChange,
  setUnfinished,
  disabled,
  refusals,
}: {
  id: string;
  task: Task;
  taskKey: string;
  workflowId: string;
  subject: SubjectResultDetail;
  marks: Mark[];
  from: MarksFrom;
  /** The consensus's result (its `marks`) and how many volunteers answered the task. */
  result: Record<string, unknown> | undefined;
  votes: number;
  onChange(marks: Mark[]): void;
  setUnfinished(note: Saying<string> | null): void;
  disabled: boolean;
  refusals: number;
}) {
  const { t } = useTranslation();
  const openImage = useOpenImageState();
  const image = markedImageOf(subject.locations);
  // The task reads the subject's image from its locations, as the queue serves them: only the image marked here.
  const shown: QueuedSubject = { id: subject.id, externalId: subject.externalId, locations: image ? [image] : [], metadata: {} };
  // Kept from one render to the next while they are the same: the image draws its things left out anew only then.
  const candidates = useMemo(() => leftOut(task, result, marks), [task, result, marks]);
  /** What adding back last did (added, or why not), said politely, anew each time. */
  const [said, setSaid] = useState<{ saying: Saying<string>; n: number } | null>(null);
  const say = (saying: Saying<string>) => setSaid((last) => ({ saying, n: (last?.n ?? 0) + 1 }));
  /**
   * After a thing is added back, from the list or the image: the one that took its place there, which takes focus (none:
   * the list of marks, or the image, where the press was, the page kept still, its crosshair on the thing added).
   */
  const focusAfterAdding = useRef<{ row: number; from: 'list' | 'image'; mark: Mark } | null>(null);
  const correction = useRef<HTMLDivElement>(null);
  const focusImage = useRef<FocusLayer | null>(null);
  useLayoutEffect(() => {
    if (!focusAfterAdding.current) return;
    const { row, from, mark } = focusAfterAdding.current;
    focusAfterAdding.current = null;
    if (from === 'list') {
      const buttons = document.getElementById(`${id}-left-out-list`)?.querySelectorAll<HTMLElement>('button');
      (buttons?.[Math.min(row, buttons.length - 1)] ?? document.getElementById(`${id}-list`))?.focus();
      return;
    }
    const things = correction.current?.querySelectorAll<SVGElement>('.marking-left-out');
    const next = things?.[Math.min(row, things.length - 1)];
    if (next) next.focus({ preventScroll: true });
    else focusImage.current?.(centreOf(mark));
  });
  /** Adds back the thing left out at `index`, pressed in the list or on the image, within the tool's limits as placing one is. */
  const addBack = (index: number, from: 'list' | 'image') => {
    const mark = candidates[index]?.mark;
    if (!mark) return;
    const tool = task.tools.find((each) => each.key === mark.tool)!;
    const refused = whyNotPlaced(t, tool, marks);
    if (refused) {
      say((t) => whyNotPlaced(t, tool, marks) ?? refused);
      return;
    }
    onChange([...marks, mark]);
    focusAfterAdding.current = { row: index, from, mark };
    say((t) => t('lab.review.addedBack', { mark: placeInWords(t, tool, mark) }));
  };
  const hint = !image ? 'correctedMarksNoImageHint' : from === 'consensus' ? 'correctedMarksHint' : from === 'correction' ? 'correctedMarksFromCorrectionHint' : 'correctedMarksNoConsensusHint';
  // The tools' legend says what they are for: the review's legend above names the task already.
  const tools: Task = { ...task, instruction: t('lab.review.markingTools') };
  const placeOf = (cluster: MarkCluster) => placeInWords(t, task.tools.find((tool) => tool.key === cluster.mark.tool), cluster.mark);
  const votesOf = (cluster: MarkCluster) => t('lab.result.markVotes', { votes: cluster.votes, count: votes });
  // biome-ignore lint/correctness/useExhaustiveDependencies: placeOf and votesOf read task, t and votes, listed
  const things = useMemo(() => candidates.map((cluster) => ({ mark: cluster.mark, name: t('lab.review.leftOutOnImage', { mark: placeOf(cluster), votes: votesOf(cluster) }) })), [candidates, task, t, votes]);
  const leftOutOnImage: LeftOut = {
    things,
    describedBy: `${id}-left-out-hint`,
    addBack: (index) => addBack(index, 'image'),
  };
  return (
    <OpenImageContext.Provider value={openImage}>
      <div className="lab-marking-correction" data-testid={`${id}-correction`} data-own-keys ref={correction}>
        <p className="field-hint" id={`${id}-hint`}>
          {t(`lab.review.${hint}`)}
        </p>
        {image && <SubjectMedia locations={[image]} subject={subject} name={t('lab.review.imageToCorrect', { task: taskKey })} ownKeys />}
        <MarkingTask task={tools} taskKey={taskKey} workflowId={workflowId} id={id} subject={shown} value={marks} onChange={(value) => onChange(value as Mark[])} setUnfinished={setUnfinished} disabled={disabled} refusals={refusals} listHeading={(count) => t('lab.review.marksToKeep', { count })} leftOut={leftOutOnImage} layerFocus={focusImage} />
        {candidates.length > 0 && (
          <section aria-labelledby={`${id}-left-out`} data-testid={`${id}-left-out`}>
            <h3 id={`${id}-left-out`}>{t('lab.review.leftOutTitle')}</h3>
            <p className="field-hint" id={`${id}-left-out-hint`}>
              {t('lab.review.leftOutHint')}
            </p>
            <ul className="marking-list" id={`${id}-left-out-list`}>
              {candidates.map((cluster, index) => {
                const place = placeOf(cluster);
                return (
                  <li key={JSON.stringify(cluster.mark)} className="marking-entry">
                    <span>
                      {place}
                      {t('app.colon')}
                      {votesOf(cluster)}
                    </span>{' '}
                    <button type="button" className="button button-secondary button-small" aria-label={t('lab.review.addBackMark', { mark: place })} disabled={disabled} onClick={() => addBack(index, 'list')}>
                      {t('lab.review.addBack')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
        <p role="status" data-testid={`${id}-left-out-said`}>
          {said && <span key={said.n}>{said.saying(t)}</span>}
        </p>
      </div>
    </OpenImageContext.Provider>
  );
}
