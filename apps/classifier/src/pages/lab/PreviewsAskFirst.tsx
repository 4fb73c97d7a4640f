import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AskFirst } from '../../components/AskFirst';
import { previewsFailed } from '../../lib/previewFailures';

/**
 * Asks first before a change that opens a project's subjects to volunteers (making it live, activating a workflow) when
 * previews of its subjects did not load in this tab (`lib/previewFailures.ts`): `guard(event, go)` goes on at once when
 * none failed, else asks; `question` is the asking, for the caller to place (null when not asking); `back` puts focus
 * where it came from when the researcher says not yet.
 */
export function usePreviewsAskFirst(projectId: string, change: 'live' | 'activate', back: () => void): { guard(event: FormEvent, go: (event: FormEvent) => void): void; question: ReactNode } {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<{ count: number; go: (event: FormEvent) => void } | null>(null);
  const guard = (event: FormEvent, go: (event: FormEvent) => void) => {
    const count = previewsFailed(projectId).length;
    if (!count) return go(event);
    event.preventDefault();
    setAsking({ count, go });
  };
  const question = asking && (
    <AskFirst
      asked={{ testId: 'lab-previews-question', question: t(`lab.preview.${change}Question`, { count: asking.count }), confirm: t(`lab.preview.${change}Confirm`), cancel: t('lab.preview.notYet') }}
      busy={false}
      onConfirm={(event) => {
        setAsking(null);
        asking.go(event);
      }}
      onCancel={() => {
        setAsking(null);
        requestAnimationFrame(back);
      }}
    />
  );
  return { guard, question };
}
