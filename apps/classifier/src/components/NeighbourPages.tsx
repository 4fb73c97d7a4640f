import type { NeighbourPages as Neighbours, QueuedSubject } from '@chorus/client';
import type { WorkflowDefinition } from '@chorus/tasks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { refusedForGood } from '../lib/errors';
import { useRetryWhenOnline } from '../lib/useOnline';
import { Dialog } from './Dialog';
import { SubjectAbout } from './SubjectAbout';
import { SubjectMedia } from './SubjectMedia';
import { NO_OPEN_IMAGE, OpenImageContext } from './viewer/openImage';

type Side = 'previous' | 'next';

/**
 * Whether the subject is a page of a document, whose neighbours a volunteer may need (a sentence or a table running over
 * the page break, a catchword): in a sequential workflow (its sets are read in order), in one that transcribes, or a
 * IIIF manifest's canvas. Elsewhere a set's order says nothing about its subjects, and the buttons would be noise.
 */
export function offersNeighbourPages(definition: WorkflowDefinition, subject: QueuedSubject): boolean {
  if (definition.selection.order === 'sequential') return true;
  if (Object.values(definition.tasks).some((task) => task.type === 'transcription')) return true;
  return typeof subject.metadata.manifest === 'string';
}

/**
 * The subject's neighbours in its set (`subjectSetId`, the one the volunteer chose if it has it, else the one it is served from),
 * once asked (one request a subject); null when they cannot be had. Asked again each time the browser comes back
 * online after a request that got no answer (offline), never for a refusal, which another try would not change.
 */
function useNeighbours(workflowId: string, subjectId: string, subjectSetId: string | undefined): Neighbours | null {
  const client = useClient();
  const [neighbours, setNeighbours] = useState<Neighbours | null>(null);
  const [unanswered, setUnanswered] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useRetryWhenOnline(unanswered, () => setAttempt((n) => n + 1));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; the browser's coming back online bumps it
  useEffect(() => {
    let cancelled = false;
    setNeighbours(null);
    setUnanswered(false);
    client.neighbourPages(workflowId, subjectId, subjectSetId).then(
      (found) => !cancelled && setNeighbours(found),
      (error: unknown) => !cancelled && setUnanswered(!refusedForGood(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [client, workflowId, subjectId, subjectSetId, attempt]);
  return neighbours;
}

/**
 * "See the page before" and "See the page after": the pages before and after the subject in its set, each in a dialog to look at only.
 * The subject and the answers being typed stay as they are; Escape closes, and focus returns to the button.
 * `subjectSetId`: the subject set the volunteer chose, whose pages these are (a subject may be in more than one).
 */
export function NeighbourPages({ workflowId, subjectId, subjectSetId }: { workflowId: string; subjectId: string; subjectSetId?: string }) {
  const { t } = useTranslation();
  const neighbours = useNeighbours(workflowId, subjectId, subjectSetId);
  const [open, setOpen] = useState(false);
  // Kept once the dialog closes, so that its title stays while it goes.
  const [side, setSide] = useState<Side>('previous');
  if (!neighbours || (!neighbours.previous && !neighbours.next)) return null;
  const shown = neighbours[side];
  const show = (which: Side) => {
    setSide(which);
    setOpen(true);
  };
  const button = (which: Side) =>
    neighbours[which] && (
      <button type="button" className="button button-secondary button-small" onClick={() => show(which)} data-testid={`${which}-page`}>
        {which === 'previous' ? t('neighbourPages.previous') : t('neighbourPages.next')}
      </button>
    );
  const title = shown && (side === 'previous' ? t('neighbourPages.previousTitle', { page: shown.page, pages: neighbours.pages }) : t('neighbourPages.nextTitle', { page: shown.page, pages: neighbours.pages }));
  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: buttons that open dialogs beside the task, not fields of its form: a fieldset would read as one of the task's questions */}
      <div role="group" className="neighbour-pages" aria-label={t('neighbourPages.label')} data-testid="neighbour-pages">
        <span className="muted">{t('neighbourPages.position', { page: neighbours.page, pages: neighbours.pages })}</span>
        {button('previous')}
        {button('next')}
      </div>
      <Dialog open={open} onClose={() => setOpen(false)} title={title} testId="neighbour-page" className="neighbour-dialog">
        {open && shown && (
          <>
            <p className="muted">{t('neighbourPages.readOnly')}</p>
            {/* A neighbour's image is not the one marked. */}
            <OpenImageContext.Provider value={NO_OPEN_IMAGE}>
              <SubjectMedia key={side} locations={shown.locations} subject={shown} />
            </OpenImageContext.Provider>
            <SubjectAbout metadata={shown.metadata} />
          </>
        )}
      </Dialog>
    </>
  );
}
