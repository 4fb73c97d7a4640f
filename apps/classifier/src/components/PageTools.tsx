import { Trans, useTranslation } from 'react-i18next';
import { useSingleKeysOn } from '../lib/singleKeys';

interface Props {
  classified: number;
  /** The signed-in volunteer's classifications in the workflow on every device, once known. */
  inAll?: number;
  hasFieldGuide: boolean;
  onFieldGuide(): void;
  /** Absent while there is no tutorial to show (the workflow did not load). */
  onTutorial?: () => void;
  onShortcuts(): void;
}

/**
 * The volunteer's count this session (and in all, for an account) and the buttons to the help: field guide (G), tutorial (T), shortcuts (?), their
 * keys shown only while single-key shortcuts are on.
 */
export function PageTools({ classified, inAll, hasFieldGuide, onFieldGuide, onTutorial, onShortcuts }: Props) {
  const { t } = useTranslation();
  const singleKeys = useSingleKeysOn();
  const tool = (label: string, key: string, keyName: string, onClick: () => void, testId: string, className = '') => (
    <button type="button" className={`button button-secondary button-small ${className}`} onClick={onClick} aria-keyshortcuts={singleKeys ? keyName : undefined} data-testid={testId}>
      {label}
      {singleKeys && (
        <kbd>
          <span aria-hidden="true">{key}</span>
        </kbd>
      )}
    </button>
  );
  return (
    <div className="page-tools">
      <p className="session-count">
        {inAll === undefined ? (
          <Trans i18nKey="classify.count" values={{ count: classified }} components={{ strong: <strong /> }} />
        ) : (
          <Trans i18nKey="classify.countInAll" values={{ count: classified, total: inAll }} components={{ strong: <strong /> }} />
        )}
      </p>
      {hasFieldGuide && tool(t('classify.fieldGuide'), 'G', 'G', onFieldGuide, 'open-field-guide')}
      {onTutorial && tool(t('classify.tutorial'), 'T', 'T', onTutorial, 'open-tutorial')}
      {tool(t('classify.shortcuts'), '?', 'Shift+?', onShortcuts, 'open-shortcuts', 'keyboard-only')}
    </div>
  );
}
