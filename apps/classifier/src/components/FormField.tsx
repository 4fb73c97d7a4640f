import { ACCOUNT_LIMITS } from '@chorus/client';
import type { InputHTMLAttributes, Ref } from 'react';
import { useTranslation } from 'react-i18next';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'> & {
  id: string;
  label: string;
  /** Always shown under the label, and read with the field. */
  hint?: string;
  /** What is wrong with the value, shown under the hint and read with the field; the field is then marked invalid. */
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
};

/** A labelled text field whose hint and error are tied to it (aria-describedby), so a screen reader reads them on focus. */
export function FormField({ id, label, hint, error, inputRef, ...input }: Props) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
      <input id={id} ref={inputRef} aria-invalid={error ? true : undefined} aria-describedby={describedBy || undefined} {...input} />
    </div>
  );
}

/** A field for a password the account is to have: its rule said as the hint, and left to password managers to fill. */
export function NewPasswordField(props: Omit<Props, 'type' | 'hint' | 'autoComplete' | 'maxLength'>) {
  const { t } = useTranslation();
  return <FormField type="password" hint={t('account.fields.newPasswordHint', { count: ACCOUNT_LIMITS.passwordMinLength })} autoComplete="new-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...props} />;
}
