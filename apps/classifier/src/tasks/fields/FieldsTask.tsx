import { DEFAULT_FIELD_LENGTH, type FieldFault, type FormField, decimalExample, fieldFaults, meaningsOf, numberWriting, tidyFieldValue } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languageAttributes, languageOf, useResearchersLanguage, useResearchersWords } from '../../lib/textLanguage';
import { TaskHelp } from '../TaskHelp';
import type { Describe, Explain, TaskOf, TaskProps } from '../types';

type Task = TaskOf<'fields'>;

/** A form's value as the volunteer fills it: a string per field, "" for each until typed (and for a key it lacks). */
export const valuesOf = (task: Task, value: unknown): Record<string, string> => {
  const given = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(task.fields.map((field) => [field.key, typeof given[field.key] === 'string' ? (given[field.key] as string) : '']));
};

export const fieldsInitialValue = (task: Task) => valuesOf(task, undefined);

/** Every field left blank (none required): right for a card that gives none of them, so it is confirmed, not refused. */
export const fieldsIsEmpty = (value: unknown): boolean => typeof value === 'object' && value !== null && Object.values(value).every((each) => typeof each !== 'string' || each.trim() === '');

/**
 * What is wrong with a field's `value` (as typed), in the volunteer's language: the rule `fieldFault` keeps, said so
 * they can fix it (a number as the project's `language` writes it).
 */
export function faultInWords(t: TFunction, fault: FieldFault, field: FormField, value: string, language?: string): string {
  switch (fault) {
    case 'required':
      return t('tasks.fields.fault.required');
    case 'tooLong':
      return t('tasks.fields.fault.tooLong', { count: field.maxLength ?? DEFAULT_FIELD_LENGTH });
    case 'oneLine':
      return t('tasks.fields.fault.oneLine');
    case 'notNumber':
      return t('tasks.fields.fault.notNumber', { separator: numberWriting(language).decimal, example: decimalExample(numberWriting(language)) });
    case 'thousandsOrDecimal':
      return t('tasks.fields.fault.thousandsOrDecimal', meaningsOf(tidyFieldValue(value), numberWriting(language)));
    case 'notDate':
      return t('tasks.fields.fault.notDate');
    case 'notRealDate':
      return t('tasks.fields.fault.notRealDate');
    case 'notOffered':
      return t('tasks.fields.fault.notOffered');
  }
}

/** Going on was refused: the problem is shown under its field, which is focused; this names it beside the buttons. */
export const explainFields: Explain<Task> = (task, issue, t) => {
  const field = task.fields.find((each) => each.key === issue?.path[0]);
  return field ? t('tasks.fields.check', { label: field.label }) : undefined;
};

/** The fields given a value, each as "label: value"; nothing when all were left blank. */
export const describeFields: Describe<Task> = (task, value, t) => {
  const values = valuesOf(task, value);
  const given = task.fields.filter((field) => values[field.key]!.trim() !== '').map((field) => `${field.label}${t('app.colon')}${values[field.key]!.trim()}`);
  return given.length ? given.join('; ') : t('feedback.nothing');
};

/**
 * A form of named fields (an index card, a register's row): one labelled control per field, a text input (a number's
 * with a decimal keyboard, a date's with its format said and the full keyboard, whose "-" a digits-only keypad lacks),
 * a select for a choice. A field's problem shows under it once the volunteer leaves it having typed in it (tabbing past
 * a blank required field says nothing), and under every field at fault when going on is refused, the first focused. Tab
 * moves between fields; Ctrl+Enter goes on, as from any task.
 */
export function FieldsTask({ task, id, subject, value, onChange, disabled, refusals = 0 }: TaskProps<Task>) {
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const projectLanguage = useResearchersLanguage();
  const typed = languageAttributes(languageOf(task, subject));
  const values = valuesOf(task, value);
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set());
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const faults = fieldFaults(task, values, projectLanguage);
  const inputId = (field: FormField) => `${id}-field-${field.key}`;

  // Each refusal (not the ones before this task was on screen) shows every problem and focuses the first.
  const refusalsSeen = useRef(refusals);
  useEffect(() => {
    if (refusals === refusalsSeen.current) return;
    refusalsSeen.current = refusals;
    setShown(new Set(task.fields.map((field) => field.key)));
    const first = task.fields.find((field) => faults.has(field.key));
    if (first) document.getElementById(inputId(first))?.focus();
  });

  const change = (field: FormField, text: string) => {
    setEdited((keys) => (keys.has(field.key) ? keys : new Set([...keys, field.key])));
    onChange({ ...values, [field.key]: text });
  };
  const leave = (field: FormField) => {
    if (edited.has(field.key)) setShown((keys) => (keys.has(field.key) ? keys : new Set([...keys, field.key])));
  };

  return (
    <fieldset className="task task-fields" aria-describedby={`${id}-keys`}>
      <legend className="task-question" {...researchersWords}>
        {task.instruction}
      </legend>
      {task.fields.map((field) => {
        const control = inputId(field);
        const fault = shown.has(field.key) ? faults.get(field.key) : undefined;
        const notes = [field.help ? `${control}-help` : null, field.kind === 'date' ? `${control}-format` : null, fault ? `${control}-error` : null].filter(Boolean).join(' ');
        const common = {
          id: control,
          value: values[field.key],
          disabled,
          'aria-invalid': fault ? true : undefined,
          'aria-describedby': notes || undefined,
          'aria-required': field.required || undefined,
          onBlur: () => leave(field),
          'data-field': field.key,
        } as const;
        return (
          <div key={field.key} className={fault ? 'field field-invalid' : 'field'}>
            <label htmlFor={control} className="field-label">
              <span {...researchersWords}>{field.label}</span>
              {field.required && <span className="field-required"> {t('tasks.fields.required')}</span>}
            </label>
            {field.help && (
              <p id={`${control}-help`} className="field-hint" {...researchersWords}>
                {field.help}
              </p>
            )}
            {field.kind === 'date' && (
              <p id={`${control}-format`} className="field-hint">
                {t('tasks.fields.dateFormat')}
              </p>
            )}
            {fault && (
              <p id={`${control}-error`} className="field-error" data-testid={`${control}-error`}>
                {faultInWords(t, fault, field, values[field.key] ?? '', projectLanguage)}
              </p>
            )}
            {field.kind === 'choice' ? (
              <select {...common} onChange={(event) => change(field, event.target.value)}>
                <option value="">{t('tasks.fields.noChoice')}</option>
                {field.choices!.map((choice) => (
                  <option key={choice} value={choice} {...researchersWords}>
                    {choice}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                {...(field.kind === 'text' ? typed : { dir: 'ltr' })}
                type="text"
                inputMode={field.kind === 'number' ? 'decimal' : undefined}
                autoComplete="off"
                spellCheck={field.kind === 'text' ? undefined : false}
                onChange={(event) => change(field, event.target.value)}
              />
            )}
          </div>
        );
      })}
      <p className="keyboard-hint" id={`${id}-keys`}>
        {t('tasks.fields.keys')}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
