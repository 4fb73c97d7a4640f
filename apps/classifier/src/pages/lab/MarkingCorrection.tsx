import type { QueuedSubject, SubjectResultDetail } from '@chorus/client';
import { type Mark, markedImageOf } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { SubjectMedia } from '../../components/SubjectMedia';
import { OpenImageContext, useOpenImageState } from '../../components/viewer/openImage';
import type { Saying } from '../../lib/said';
import { MarkingTask } from '../../tasks/marking/MarkingTask';
import { markInWords, numbered, type Task } from '../../tasks/marking/marks';

/** One thing the volunteers marked, as a marking task's result has it (`result.marks`). */
interface MarkCluster {
  mark: Mark;
  kept: boolean;
}

/** The things two volunteers or more marked that the consensus left out (`result.marks`, not kept): what a correction may add back. */
export function leftOutMarks(result: Record<string, unknown> | undefined): Mark[] {
  const clusters = result?.marks;
  return Array.isArray(clusters) ? (clusters as MarkCluster[]).filter((cluster) => !cluster.kept).map((cluster) => cluster.mark) : [];
}

const sameMark = (a: Mark, b: Mark) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A marking task's correction: the subject's image with the marks drawn over it, in the classifier's own marking task
 * (tools, the image's layer, the list of marks with their Remove buttons, all usable by keyboard), starting as the
 * consensus (or the correction saved) gave them; and the things some volunteers marked that the consensus left out,
 * each offered to add back. Its own image and open image: the page's media section shows the subject as it is.
 */
export function MarkingCorrection({
  id,
  task,
  taskKey,
  workflowId,
  subject,
  marks,
  leftOut,
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
  leftOut: readonly Mark[];
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
  const candidates = numbered(task, leftOut as Mark[]).filter(({ mark }) => !marks.some((each) => sameMark(each, mark)));
  const addBack = (mark: Mark) => {
    onChange([...marks, mark]);
    document.getElementById(`${id}-list`)?.focus();
  };
  return (
    <OpenImageContext.Provider value={openImage}>
      <div className="lab-marking-correction" data-testid={`${id}-correction`}>
        <p className="field-hint">{t('lab.review.correctedMarksHint')}</p>
        {image && <SubjectMedia locations={[image]} subject={subject} />}
        <MarkingTask task={task} taskKey={taskKey} workflowId={workflowId} id={id} subject={shown} value={marks} onChange={(value) => onChange(value as Mark[])} setUnfinished={setUnfinished} disabled={disabled} refusals={refusals} />
        {candidates.length > 0 && (
          <section aria-labelledby={`${id}-left-out`} data-testid={`${id}-left-out`}>
            <h3 id={`${id}-left-out`}>{t('lab.review.leftOutTitle')}</h3>
            <ul className="marking-list">
              {candidates.map(({ mark, tool, n }) => {
                const words = markInWords(t, tool, n, mark);
                return (
                  <li key={words} className="marking-entry">
                    <span>{words}</span>{' '}
                    <button type="button" className="button button-secondary button-small" aria-label={t('lab.review.addBackMark', { mark: words })} disabled={disabled} onClick={() => addBack(mark)}>
                      {t('lab.review.addBack')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </div>
    </OpenImageContext.Provider>
  );
}
