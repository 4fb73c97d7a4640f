import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField, FormField, SelectField, TextAreaField } from '../../../components/FormField';
import { textOf, typedValue } from '../../../lib/definitionDraft';
import { type Field, shownValue } from '../../../lib/definitionSchema';
import { type Place, useDefinitionForm } from './formContext';
import { useLabels } from './labels';

export interface FieldProps {
  /** The field's name in the schema (its label's key). */
  name: string;
  field: Field;
  value: unknown;
  onChange: (next: unknown) => void;
  place: Place;
  /** What the field belongs to, for the names of buttons ("answer 2 of T0"). */
  owner: string;
}

/** Where an effect names the set it adds subjects to. */
const EFFECT_SET = /^\/effects\/\d+\/addToSubjectSet$/;

/** One control: a line or area of text, a number, a box to tick, or a choice (of the schema's, a task, a subject set). */
export function LeafField({ name, field, value, onChange, place }: FieldProps) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { keys, nextKeysAt, taskNames, sets, served, errorAt, warningAt } = useDefinitionForm();
  const frame = { id: place.id, label: labels.label(name), hint: labels.hint(place, field), error: errorAt(place.pointer), warning: warningAt(place.pointer) };
  const shown = shownValue(field, value);
  const typed = (text: string) => onChange(typedValue(field, text));
  const { kind } = field;
  switch (kind.kind) {
    case 'text':
      return kind.long ? (
        <TextAreaField {...frame} rows={3} value={textOf(value)} onChange={(event) => typed(event.target.value)} />
      ) : (
        <FormField {...frame} type="text" value={textOf(value)} onChange={(event) => typed(event.target.value)} />
      );
    case 'number':
      return <NumberField {...frame} field={field} value={value} onChange={onChange} />;
    case 'lines':
      return <TextAreaField {...frame} rows={3} spellCheck={false} value={textOf(shown)} onChange={(event) => typed(event.target.value)} />;
    case 'boolean':
      // A box that may be left out and has no default reads as unticked: ticked or left out.
      return <CheckboxField {...frame} checked={shown === true} onChange={(event) => onChange(event.target.checked || field.fallback !== undefined ? event.target.checked : undefined)} />;
    case 'choice':
      return (
        <Choice {...frame} value={shown} choices={kind.options.map((option) => [option, labels.option(name, option)])} empty={field.optional && field.fallback === undefined ? t('lab.definitionForm.unset') : undefined} unknown={(other) => t('lab.definitionForm.notAChoice', { value: other })} onChange={onChange} />
      );
    // A task key that may be left out is a `next`: none ends the workflow. One that would loop is not offered, unless
    // the definition names it already (written as JSON), to be shown and refused at its place.
    case 'taskKey': {
      const offered = nextKeysAt(place.pointer);
      return (
        <Choice {...frame} value={value} choices={keys.filter((key) => offered.includes(key) || key === value).map((key) => [key, taskNames.get(key) ?? key])} empty={field.optional ? t('lab.definitionForm.endOfWorkflow') : t('lab.definitionForm.chooseTask')} unknown={(key) => t('lab.definitionForm.missingTask', { key })} onChange={(next) => onChange(next ?? (field.optional ? undefined : ''))} />
      );
    }
    // An effect routes subjects on to another workflow's set: one this workflow serves is refused, so not offered,
    // unless the definition names it already (written as JSON), to be shown and refused at its place.
    case 'subjectSet': {
      const offered = EFFECT_SET.test(place.pointer) ? sets.filter((set) => !served.has(set.id) || set.id === value) : sets;
      return (
        <Choice {...frame} value={value} choices={offered.map((set) => [set.id, set.name])} empty={field.optional ? t('lab.definitionForm.none') : t('lab.definitionForm.chooseSet')} unknown={(id) => t('lab.definitionForm.missingSet', { id })} onChange={(next) => onChange(next ?? (field.optional ? undefined : ''))} />
      );
    }
    default:
      return null;
  }
}

/**
 * A number's text as typed ("0.50", "0."), kept while it reads as the number the definition holds; the definition's
 * own number once it holds another (an edit put back, a draft replaced).
 */
export function NumberField({ field, value, onChange, ...frame }: Omit<FieldProps, 'name' | 'place' | 'owner'> & { id: string; label: string; hint?: string; error?: string; warning?: string }) {
  const [typed, setTyped] = useState(() => textOf(value));
  const text = Object.is(typedValue(field, typed), value) ? typed : textOf(value);
  return (
    <FormField
      {...frame}
      type="text"
      inputMode="decimal"
      autoComplete="off"
      value={text}
      onChange={(event) => {
        setTyped(event.target.value);
        onChange(typedValue(field, event.target.value));
      }}
    />
  );
}

/**
 * A choice among `choices` ([value, words]); `empty`, when given, is the choice of nothing; a value that is none of
 * them (a task removed since) is shown as it is, said to be none, rather than silently replaced.
 */
function Choice({
  value,
  choices,
  empty,
  unknown,
  onChange,
  ...frame
}: { id: string; label: string; hint?: string; error?: string; warning?: string; value: unknown; choices: [string, string][]; empty?: string; unknown: (value: string) => string; onChange: (next: string | undefined) => void }) {
  const current = typeof value === 'string' ? value : '';
  const known = current === '' || choices.some(([choice]) => choice === current);
  return (
    <SelectField {...frame} value={current} onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}>
      {(empty !== undefined || current === '') && <option value="">{empty ?? ''}</option>}
      {!known && <option value={current}>{unknown(current)}</option>}
      {choices.map(([choice, words]) => (
        <option key={choice} value={choice}>
          {words}
        </option>
      ))}
    </SelectField>
  );
}
