import { ACCOUNT_LIMITS } from '@chorus/client';
import type { InputHTMLAttributes, KeyboardEvent, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { isSendKey } from '../lib/keyboard';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'> & FrameProps & { inputRef?: Ref<HTMLInputElement> };

interface FrameProps {
  id: string;
  label: string;
  /** Always shown under the label, and read with the field. */
  hint?: string;
  /** What is wrong with the value, shown under the hint and read with the field; the field is then marked invalid. */
  error?: string;
  /** What the server warns of about an accepted value, shown and read as the error is, the field not marked invalid. */
  warning?: string;
}

/** What ties a control to its hint and error, for a screen reader to read them on focus. */
type Described = { 'aria-invalid'?: true; 'aria-describedby'?: string };

/** A field's label, hint and error around its control, which `control` renders with the attributes that tie them. */
function FieldFrame({ id, label, hint, error, warning, control }: FrameProps & { control: (described: Described) => ReactNode }) {
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <FieldNotes id={id} hint={hint} error={error} warning={warning} />
      {control(describedBy({ id, hint, error, warning }))}
    </div>
  );
}

/** The attributes that tie a control to the notes `FieldNotes` shows for it (`id`'s hint, error and warning). */
export function describedBy({ id, hint, error, warning }: Omit<FrameProps, 'label'>): Described {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null, warning ? `${id}-warning` : null].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}

/** A field's hint, error and warning, each with the id `describedBy` names. */
export function FieldNotes({ id, hint, error, warning }: Omit<FrameProps, 'label'>) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
      {warning && (
        <p id={`${id}-warning`} className="field-warning" data-testid={`${id}-warning`}>
          {warning}
        </p>
      )}
    </>
  );
}

/**
 * A labelled text field whose hint and error are tied to it (aria-describedby), so a screen reader reads them on focus.
 * Its direction follows what is typed (`dir="auto"`): a title in Arabic or Hebrew reads right to left.
 */
export function FormField({ id, label, hint, error, warning, inputRef, ...input }: Props) {
  return <FieldFrame id={id} label={label} hint={hint} error={error} warning={warning} control={(described) => <input id={id} ref={inputRef} dir="auto" {...described} {...input} />} />;
}

/**
 * `FormField` for text of several lines, where Enter starts a new line; with `sendKey`, Ctrl+Enter (Cmd+Enter) sends its
 * form, as a comment box's does. Not in the lab's forms: one has a save that makes a new version, which waits for its
 * button, another two buttons that send it two ways.
 */
export function TextAreaField({
  id,
  label,
  hint,
  error,
  warning,
  inputRef,
  onKeyDown,
  sendKey,
  ...textarea
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & FrameProps & { inputRef?: Ref<HTMLTextAreaElement>; sendKey?: boolean }) {
  const sendOnCtrlEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    onKeyDown?.(event);
    const form = event.currentTarget.form;
    if (!sendKey || event.defaultPrevented || !form || !isSendKey(event)) return;
    event.preventDefault();
    form.requestSubmit();
  };
  return <FieldFrame id={id} label={label} hint={hint} error={error} warning={warning} control={(described) => <textarea id={id} ref={inputRef} dir="auto" {...described} {...textarea} onKeyDown={sendOnCtrlEnter} />} />;
}

/** `FormField` for a choice among a few options, its `<option>`s as children. */
export function SelectField({ id, label, hint, error, warning, inputRef, ...select }: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & FrameProps & { inputRef?: Ref<HTMLSelectElement> }) {
  return <FieldFrame id={id} label={label} hint={hint} error={error} warning={warning} control={(described) => <select id={id} ref={inputRef} {...described} {...select} />} />;
}

/** A checkbox with its label beside it, and its hint, error and warning below, tied to it as `FormField`'s are. */
export function CheckboxField({ id, label, hint, error, warning, ...input }: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> & FrameProps) {
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label className="checkbox-field">
        <input id={id} type="checkbox" {...describedBy({ id, hint, error, warning })} {...input} />
        {label}
      </label>
      <FieldNotes id={id} hint={hint} error={error} warning={warning} />
    </div>
  );
}

/** A field for a password the account is to have: its rule said as the hint, and left to password managers to fill. */
export function NewPasswordField(props: Omit<Props, 'type' | 'hint' | 'autoComplete' | 'maxLength'>) {
  const { t } = useTranslation();
  return <FormField type="password" hint={t('account.fields.newPasswordHint', { count: ACCOUNT_LIMITS.passwordMinLength })} autoComplete="new-password" maxLength={ACCOUNT_LIMITS.passwordMaxLength} {...props} />;
}
