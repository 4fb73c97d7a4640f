import { ACCOUNT_LIMITS } from '@chorus/client';
import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'> & FrameProps & { inputRef?: Ref<HTMLInputElement> };

interface FrameProps {
  id: string;
  label: string;
  /** Always shown under the label, and read with the field. */
  hint?: string;
  /** What is wrong with the value, shown under the hint and read with the field; the field is then marked invalid. */
  error?: string;
}

/** What ties a control to its hint and error, for a screen reader to read them on focus. */
type Described = { 'aria-invalid'?: true; 'aria-describedby'?: string };

/** A field's label, hint and error around its control, which `control` renders with the attributes that tie them. */
function FieldFrame({ id, label, hint, error, control }: FrameProps & { control: (described: Described) => ReactNode }) {
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
      {control({ 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined })}
    </div>
  );
}

/** A labelled text field whose hint and error are tied to it (aria-describedby), so a screen reader reads them on focus. */
export function FormField({ id, label, hint, error, inputRef, ...input }: Props) {
  return <FieldFrame id={id} label={label} hint={hint} error={error} control={(described) => <input id={id} ref={inputRef} {...described} {...input} />} />;
}

/** `FormField` for text of several lines. */
export function TextAreaField({ id, label, hint, error, inputRef, ...textarea }: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & FrameProps & { inputRef?: Ref<HTMLTextAreaElement> }) {
  return <FieldFrame id={id} label={label} hint={hint} error={error} control={(described) => <textarea id={id} ref={inputRef} {...described} {...textarea} />} />;
}

/** `FormField` for a choice among a few options, its `<option>`s as children. */
export function SelectField({ id, label, hint, error, inputRef, ...select }: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & FrameProps & { inputRef?: Ref<HTMLSelectElement> }) {
  return <FieldFrame id={id} label={label} hint={hint} error={error} control={(described) => <select id={id} ref={inputRef} {...described} {...select} />} />;
}

/** A field for a password the account is to have: its rule said as the hint, and left to password managers to fill. */
export function NewPasswordField(props: Omit<Props, 'type' | 'hint' | 'autoComplete' | 'maxLength'>) {
  const { t } = useTranslation();
  return <FormField type="password" hint={t('account.fields.newPasswordHint', { count: ACCOUNT_LIMITS.passwordMinLength })} autoComplete="new-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...props} />;
}
