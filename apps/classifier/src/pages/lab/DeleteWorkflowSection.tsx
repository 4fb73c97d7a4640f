import { isProblem, type WorkflowView } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AskFirst } from '../../components/AskFirst';
import { ErrorAlert } from '../../components/ErrorAlert';
import { showAccountNotice } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { navigate } from '../../lib/router';
import { useSaid } from '../../lib/said';

/**
 * Deleting a draft or paused workflow, asked first, the question saying how many of the team's tries in draft go with
 * it (read when asked, so that a try made meanwhile is counted): one volunteers classified in is refused, and stays,
 * which is said without asking.
 */
export function DeleteWorkflowSection({ workflow, projectPage }: { workflow: WorkflowView; projectPage: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [tries, setTries] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useSaid<Problem>();
  const button = useRef<HTMLButtonElement>(null);
  // A cancelled question gives focus back to the button it came from, shown again in its place.
  const focusButton = useRef(false);
  useEffect(() => {
    if (tries !== null || !focusButton.current) return;
    focusButton.current = false;
    button.current?.focus();
  }, [tries]);

  const classified = () => setProblem((t) => ({ detail: t('lab.deleteWorkflow.classified'), fields: [] }));
  const ask = async () => {
    setProblem(null);
    try {
      const { classifications, draftTries } = await client.stats(workflow.id);
      // Refused whatever the answer: said at once rather than asked.
      if (classifications > 0) classified();
      else setTries(draftTries);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await client.deleteWorkflow(workflow.id);
      navigate(projectPage);
      showAccountNotice((t) => t('lab.deleteWorkflow.deleted', { name: workflow.name, count: tries ?? 0 }), projectPage);
    } catch (error) {
      setTries(null);
      if (isProblem(error, 'workflow-classified')) classified();
      else setProblem(() => describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="lab-section" aria-labelledby="lab-workflow-delete-heading">
      <h2 id="lab-workflow-delete-heading">{t('lab.deleteWorkflow.title')}</h2>
      <ErrorAlert problem={problem} focus />
      <p>{t('lab.deleteWorkflow.lead')}</p>
      {tries === null ? (
        <button type="button" id="lab-workflow-delete" ref={button} className="button button-secondary" onClick={() => void ask()}>
          {t('lab.deleteWorkflow.title')}
        </button>
      ) : (
        <AskFirst
          asked={{
            testId: 'lab-workflow-delete-question',
            question: t('lab.deleteWorkflow.question', { name: workflow.name, count: tries }),
            confirm: t('lab.deleteWorkflow.confirm'),
            cancel: t('lab.deleteWorkflow.cancel'),
          }}
          busy={busy}
          onConfirm={(event) => {
            event.preventDefault();
            if (!busy) void remove();
          }}
          onCancel={() => {
            focusButton.current = true;
            setTries(null);
          }}
        />
      )}
    </section>
  );
}
