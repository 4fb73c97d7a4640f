import { type FormEvent, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { REOPEN_WAIT_DAYS } from '../lib/reopenTries';
import { useResult } from '../lib/useResult';
import { AskFirst } from './AskFirst';
import { ResultNotice } from './ResultNotice';

/**
 * The volunteer's answers kept on this device while their project is not open to volunteers (taken back to draft):
 * how many, that they go once it is open again or are dropped after `REOPEN_WAIT_DAYS`, and a way to give them up,
 * asked first.
 */
export function AwaitingReopen({ count, discard }: { count: number; discard(): Promise<number> }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, say] = useResult();
  const button = useRef<HTMLButtonElement>(null);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const discarded = await discard();
      setAsking(false);
      say((t) => t('classify.discarded', { count: discarded }));
    } catch {
      // Not deleted (the device's storage failed): they still wait, and the question stays for another try.
    } finally {
      setBusy(false);
    }
  };
  const goBack = () => {
    setAsking(false);
    button.current?.focus();
  };

  return (
    <>
      <ResultNotice result={result} testId="awaiting-reopen-discarded" />
      {count > 0 && (
        <div className="outbox" data-testid="outbox-awaiting-reopen">
          <p>
            <Trans i18nKey="classify.awaitingReopen" count={count} values={{ days: REOPEN_WAIT_DAYS }} components={{ strong: <strong /> }} />
          </p>
          <button type="button" ref={button} className="button button-secondary button-small" onClick={() => setAsking(true)}>
            {t('classify.discardWaiting', { count })}
          </button>
        </div>
      )}
      {asking && count > 0 && (
        <AskFirst
          asked={{
            testId: 'discard-question',
            question: t('classify.discardQuestion', { count }),
            hint: t('classify.discardHint', { count }),
            confirm: t('classify.discardConfirm', { count }),
            cancel: t('classify.discardCancel'),
          }}
          busy={busy}
          onConfirm={(event) => void confirm(event)}
          onCancel={goBack}
        />
      )}
    </>
  );
}
