import type { WorkflowStats } from '@chorus/client';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AskFirst } from '../../components/AskFirst';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { useForm } from '../../lib/useForm';
import { useResult } from '../../lib/useResult';

/**
 * Gives back every subject volunteers hold in the workflow (once a question is fixed, or the project paused), so that
 * the queue serves them again at once rather than when the holds lapse. The page asks first, saying how many subjects
 * are held now (read as the button is pressed); confirmed, it ends those holds only (as of that reading, not one taken
 * while the question was open), says how many ended, and the progress is read again.
 */
export function WorkflowHoldsSection({ workflowId, onReleased }: { workflowId: string; onReleased: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm<never>({}, []);
  const [result, say] = useResult();
  /** While asking: the subjects held when the button was pressed, and when they were counted. */
  const [asked, setAsked] = useState<Pick<WorkflowStats, 'held' | 'asOf'> | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const ask = form.onSubmit({
    check: () => ({}),
    send: async () => {
      say(null);
      const { held, asOf } = await client.stats(workflowId);
      setAsked({ held, asOf });
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  /** Ends the holds taken by `asOf`: those counted in the question. */
  const release = (asOf: string) =>
    form.onSubmit({
      check: () => ({}),
      send: async () => {
        setAsked(null);
        const { released, subjects } = await client.releaseAllHolds(workflowId, asOf);
        // Said in subjects, as the question counted them; the holds too where a subject was held by several volunteers.
        say((t) => (released ? [t('lab.holds.released', { subjects }), ...(released > subjects ? [t('lab.holds.releasedHolds', { released })] : [])].join(' ') : t('lab.holds.noneReleased')));
        onReleased();
      },
      refused: (error) => problemAtFields(error, [] as const),
    });
  const goBack = () => {
    setAsked(null);
    button.current?.focus();
  };
  return (
    <section className="lab-section" aria-labelledby="lab-holds-heading">
      <h2 id="lab-holds-heading">{t('lab.holds.title')}</h2>
      <p>{t('lab.holds.lead')}</p>
      <ResultNotice result={result} testId="lab-holds-result" />
      <ErrorAlert problem={form.problem} focus />
      <form noValidate aria-label={t('lab.holds.release')} onSubmit={(event) => void ask(event)}>
        <button type="submit" ref={button} id="lab-holds-release" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('lab.holds.release')}
        </button>
      </form>
      {asked && (
        <AskFirst
          asked={{ testId: 'lab-holds-question', question: t('lab.holds.question'), hint: t('lab.holds.hint', { held: asked.held }), confirm: t('lab.holds.confirm'), cancel: t('lab.holds.cancel') }}
          busy={form.busy}
          onConfirm={(event) => void release(asked.asOf)(event)}
          onCancel={goBack}
        />
      )}
    </section>
  );
}
