import { type Display, TEXT_SIZES, THEMES } from '@chorus/client';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keepAccountDisplay } from '../lib/account';
import { useDisplay } from '../lib/display';

/**
 * The display's two choices, theme and text size, as radio buttons (arrow keys move between a group's choices): each
 * shows at once, is kept on this device and, signed in, on the account.
 */
export function DisplayChoice() {
  const { t } = useTranslation();
  const display = useDisplay();
  const name = useId();
  const choose = (change: Partial<Display>) => void keepAccountDisplay({ ...display, ...change });
  return (
    <div className="display-choice" data-testid="display-choice">
      <fieldset>
        <legend>{t('display.theme')}</legend>
        {THEMES.map((theme) => (
          <label key={theme}>
            <input type="radio" name={`${name}-theme`} value={theme} checked={display.theme === theme} onChange={() => choose({ theme })} /> {t(`display.themes.${theme}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('display.textSize')}</legend>
        {TEXT_SIZES.map((textSize) => (
          <label key={textSize}>
            <input type="radio" name={`${name}-text-size`} value={textSize} checked={display.textSize === textSize} onChange={() => choose({ textSize })} />{' '}
            {t(`display.textSizes.${textSize}`)}
          </label>
        ))}
      </fieldset>
    </div>
  );
}

/**
 * The header's "Display" button, on every page and for guests too: it opens the display's choices below it; Escape, the
 * button again, or leaving them (by Tab or a click elsewhere) closes them, Escape giving focus back to the button.
 */
export function DisplayMenu() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useId();

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: Event) => {
      if (!menu.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      if (menu.current?.contains(document.activeElement)) button.current?.focus();
      setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('focusin', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('focusin', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  return (
    <div ref={menu} className="display-menu">
      <button
        ref={button}
        type="button"
        className="display-button"
        aria-expanded={open}
        aria-controls={panel}
        aria-label={t('display.title')}
        data-testid="display-button"
        onClick={() => setOpen((was) => !was)}
      >
        {/* On a phone "Aa" alone, so that the header stays short above the subject. */}
        <span className="nav-icon" aria-hidden="true">
          {t('display.icon')}
        </span>
        <span className="nav-wide">{t('display.title')}</span>
      </button>
      <div id={panel} className="display-panel" hidden={!open}>
        <DisplayChoice />
      </div>
    </div>
  );
}
