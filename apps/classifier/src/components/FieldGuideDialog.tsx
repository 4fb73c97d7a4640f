import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import { MarkdownView } from './MarkdownView';
import { useResearchersWords } from '../lib/textLanguage';

/** The project's field guide (markdown, sanitised), opened by its button or G. */
export function FieldGuideDialog({ open, onClose, guide }: { open: boolean; onClose(): void; guide: string }) {
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  return (
    <Dialog open={open} onClose={onClose} title={t('fieldGuide.title')} testId="field-guide" className="guide-dialog">
      {open && (
        <div {...researchersWords}>
          <MarkdownView text={guide} firstLevel={3} />
        </div>
      )}
    </Dialog>
  );
}
