import { useTranslation } from 'react-i18next';

/** The researcher's help text for one task, folded away until asked for. */
export function TaskHelp({ help }: { help: string | undefined }) {
  const { t } = useTranslation();
  if (!help) return null;
  return (
    <details className="task-help">
      <summary>{t('tasks.help')}</summary>
      <p dir="auto">{help}</p>
    </details>
  );
}
