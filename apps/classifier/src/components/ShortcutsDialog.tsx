import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { setSingleKeysOn, useSingleKeysOn } from '../lib/singleKeys';
import { Dialog } from './Dialog';

/** The keyboard shortcuts, listed in the message catalogue (so that a translation can name its own keys). */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const shortcuts = t('shortcuts.list', { returnObjects: true });
  const singleKeys = useSingleKeysOn();
  const id = useId();
  return (
    <Dialog open={open} onClose={onClose} title={t('shortcuts.title')} testId="shortcuts-dialog">
      <p className="checkbox-field">
        <input id={id} type="checkbox" checked={singleKeys} onChange={(event) => setSingleKeysOn(event.currentTarget.checked)} aria-describedby={`${id}-hint`} />
        <label htmlFor={id}>{t('shortcuts.singleKeys')}</label>
      </p>
      <p id={`${id}-hint`} className="muted">
        {t('shortcuts.singleKeysHint')}
      </p>
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.keys')}</th>
            <th scope="col">{t('shortcuts.what')}</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map(({ keys, what }) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
