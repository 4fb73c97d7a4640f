import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from './errors';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** What a refused form shows: a message next to each field it names, and what concerns the form as a whole. */
export interface FormProblem<F extends string> {
  fields: FieldErrors<F>;
  form: Problem | null;
}

/**
 * How one submit goes: the checks made before asking the server, the request, and how to show its refusal. `check` and
 * `refused` say their messages with the `t` they are given (not the page's, fixed to the language it had then): a
 * switch of language says them again.
 */
export interface Submit<F extends string> {
  check: (t: TFunction) => FieldErrors<F>;
  send: () => Promise<void>;
  /**
   * `again`: said again in another language, when what else a refusal does (a reload, moving focus) is done already.
   * Omitted where `send` shows its own problems and never throws: one it throws then is a bug, thrown on.
   */
  refused?: (error: unknown, t: TFunction, again: boolean) => FormProblem<F>;
}

/**
 * A form's state: values, the message next to each field, the form's own problem, and focus on the first field in
 * error (in `order`) once its message is on screen, so that a screen reader reads the message with the field.
 */
export function useForm<F extends string>(initial: Record<F, string>, order: readonly F[]) {
  const [values, setValues] = useState<Record<F, string>>(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusRequest, setFocusRequest] = useState<{ field: F; n: number } | null>(null);
  const inputs = useRef<Partial<Record<F, HTMLElement | null>>>({});
  useEffect(() => {
    if (focusRequest) inputs.current[focusRequest.field]?.focus();
  }, [focusRequest]);
  const { t } = useTranslation();
  /** How the messages shown were said, to say them again in another language (focus stays where it is). */
  const said = useRef<((t: TFunction) => void) | null>(null);
  const saidIn = useRef(t);
  useEffect(() => {
    if (saidIn.current === t) return;
    saidIn.current = t;
    said.current?.(t);
  }, [t]);

  /** Shows these messages; answers whether there were any (and then focuses the first field in error). */
  const showErrors = (next: FieldErrors<F>): boolean => {
    setErrors(next);
    const first = order.find((field) => next[field]);
    if (first) setFocusRequest((request) => ({ field: first, n: (request?.n ?? 0) + 1 }));
    return first !== undefined;
  };
  /** Sets a field's value as the page, not the person, chose it (the set an upload just made, say). */
  const setValue = (name: F, value: string) => setValues((now) => ({ ...now, [name]: value }));
  const field = (name: F) => ({
    value: values[name],
    error: errors[name],
    inputRef: (input: HTMLElement | null) => {
      inputs.current[name] = input;
    },
    onChange: (event: { target: { value: string } }) => setValue(name, event.target.value),
  });
  /** A submit handler: checks the fields, sends, and shows a refusal at the fields it names, or as the form's problem. */
  const onSubmit = ({ check, send, refused }: Submit<F>) => async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    said.current = (t) => setErrors(check(t));
    if (showErrors(check(t))) return;
    said.current = null;
    setBusy(true);
    try {
      await send();
    } catch (error) {
      if (!refused) throw error;
      said.current = (t) => {
        const refusal = refused(error, t, true);
        setProblem(refusal.form);
        setErrors(refusal.fields);
      };
      const refusal = refused(error, t, false);
      setProblem(refusal.form);
      showErrors(refusal.fields);
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    said.current = null;
    setValues(initial);
    setErrors({});
    setProblem(null);
  };
  return { values, problem, busy, field, setValue, onSubmit, reset };
}
