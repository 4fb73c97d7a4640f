import { type ReactNode, useEffect, useRef, useState } from 'react';

/** The words of a secret shown once: its field's label, the copy button, and what the copy came to. */
export interface SecretTexts {
  label: string;
  copy: string;
  copied: string;
  copyFailed: string;
}

/**
 * A secret just made (an API key, a webhook's signing secret), shown this once: `message` says so, the secret is
 * focused and selected so that it can be copied at once, by the button or by hand. Its test ids are `<testId>-secret`
 * and `<testId>-copied`.
 */
export function SecretShownOnce({ id, testId, secret, message, texts, dataId }: { id: string; testId: string; secret: string; message: ReactNode; texts: SecretTexts; dataId?: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => {
        field.current?.select();
        setCopied('failed');
      },
    );
  return (
    <div className="notice secret-shown-once" data-testid={`${testId}-secret`} data-id={dataId}>
      <p>{message}</p>
      <label htmlFor={id} className="field-label">
        {texts.label}
      </label>
      <input id={id} ref={field} readOnly value={secret} spellCheck={false} autoComplete="off" onFocus={(event) => event.currentTarget.select()} />{' '}
      <button type="button" className="button button-secondary" onClick={() => void copy()}>
        {texts.copy}
      </button>
      <p role="status" data-testid={`${testId}-copied`}>
        {copied === 'yes' ? texts.copied : copied === 'failed' ? texts.copyFailed : ''}
      </p>
    </div>
  );
}
