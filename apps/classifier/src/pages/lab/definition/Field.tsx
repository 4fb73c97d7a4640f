import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { withField } from '../../../lib/definitionDraft';
import { type Field, fieldsOf, isObject, shownValue } from '../../../lib/definitionSchema';
import { childPlace, useDefinitionForm } from './formContext';
import { ItemList } from './ItemList';
import { KindFields } from './KindFields';
import { type FieldProps, LeafField, NumberField } from './LeafField';
import { useLabels } from './labels';

/** A field of the definition, as its schema says it is: one control, a group of fields, a kind of thing, or a list. */
export function FieldControl(props: FieldProps) {
  switch (props.field.kind.kind) {
    case 'group':
      return <GroupFields {...props} />;
    case 'union':
      return <KindFields {...props} />;
    case 'items':
      return <ItemList {...props} />;
    case 'weights':
      return <WeightFields {...props} />;
    // Tasks are the form's own list (`TaskList`); what must be left out has no control.
    case 'tasks':
    case 'absent':
    case 'unknown':
      return null;
    default:
      return <LeafField {...props} />;
  }
}

/** The fields of an object (a group, or the kind of thing a union's value is), each changed in a copy of it. */
export function Fields({ field, value, onChange, place, owner }: Omit<FieldProps, 'name'>) {
  const object = isObject(value) ? value : {};
  return (
    <>
      {fieldsOf(field, object).map(([name, inner]) => (
        <FieldControl key={name} name={name} field={inner} value={object[name]} onChange={(next) => onChange(withField(object, name, next))} place={childPlace(place, name)} owner={owner} />
      ))}
    </>
  );
}

/** A group of fields under the legend its name has, with its hint (read with the group). */
function Group({ name, field, place, children }: Pick<FieldProps, 'name' | 'field' | 'place'> & { children: ReactNode }) {
  const labels = useLabels();
  const hint = labels.hint(place, field);
  return (
    <fieldset className="def-group" id={place.id} aria-describedby={hint ? `${place.id}-hint` : undefined}>
      <legend>{labels.label(name)}</legend>
      {hint && (
        <p className="field-hint" id={`${place.id}-hint`}>
          {hint}
        </p>
      )}
      {children}
    </fieldset>
  );
}

/**
 * An object's fields under its legend; one that may be left out is, once none of its fields holds anything, unless it
 * has a default: left out of a save, it would keep the workflow's (the selection), so it is sent empty.
 */
function GroupFields({ name, field, value, onChange, place, owner }: FieldProps) {
  return (
    <Group name={name} field={field} place={place}>
      <Fields field={field} value={shownValue(field, value)} onChange={(next) => onChange(field.optional && field.fallback === undefined && isObject(next) && Object.keys(next).length === 0 ? undefined : next)} place={place} owner={owner} />
    </Group>
  );
}

/** A number for each of the project's subject sets (and for any other set the definition names), by the set's id. */
function WeightFields({ name, field, value, onChange, place }: FieldProps) {
  const { t } = useTranslation();
  const { sets, errorAt, warningAt } = useDefinitionForm();
  const weights = isObject(value) ? value : {};
  const named = [...sets.map((set) => ({ id: set.id, name: set.name })), ...Object.keys(weights).flatMap((id) => (sets.some((set) => set.id === id) ? [] : [{ id, name: id }]))];
  const weight: Field = { kind: { kind: 'number' }, optional: true };
  return (
    <Group name={name} field={field} place={place}>
      {named.length === 0 && <p>{t('lab.definitionForm.noSets')}</p>}
      {named.map((set) => {
        const at = childPlace(place, set.id);
        return (
          <NumberField
            key={set.id}
            id={at.id}
            label={set.name}
            error={errorAt(at.pointer)}
            warning={warningAt(at.pointer)}
            field={weight}
            value={weights[set.id]}
            onChange={(next) => {
              const changed = withField(weights, set.id, next);
              onChange(Object.keys(changed).length ? changed : undefined);
            }}
          />
        );
      })}
    </Group>
  );
}
