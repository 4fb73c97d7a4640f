import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MarkdownView } from '../components/MarkdownView';
import { useResearchersWords } from '../lib/textLanguage';

/**
 * The researcher's help for one task (markdown, sanitised like the field guide: an example image with its alt text,
 * a list, bold), folded away until asked for; its renderer is loaded only when it is first opened.
 */
export function TaskHelp({ help }: { help: string | undefined }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const researchersWords = useResearchersWords();
  if (!help) return null;
  return (
    <details className="task-help" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('tasks.help')}</summary>
      {open && (
        <div {...researchersWords}>
          <MarkdownView text={help} firstLevel={3} />
        </div>
      )}
    </details>
  );
}
