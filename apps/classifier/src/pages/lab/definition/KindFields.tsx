import { SelectField } from '../../../components/FormField';
import { isObject, shownValue, switchKind } from '../../../lib/definitionSchema';
import { Fields } from './Field';
import { childPlace, useDefinitionForm } from './formContext';
import type { FieldProps } from './LeafField';
import { useLabels } from './labels';

/**
 * A thing of one of several kinds (a task's type, a retirement rule's): its kind, chosen among those the schema
 * offers, then that kind's fields. Another kind keeps the fields the two have in common. `bare`: inside a fieldset
 * of its own (a task's, a list item's). The messages about the thing as a whole are shown at its kind, unless
 * `ownMessages` is false (a task's are at its key).
 */
export function KindFields({ name, field, value, onChange, place, owner, bare = false, ownMessages = true }: FieldProps & { bare?: boolean; ownMessages?: boolean }) {
  const labels = useLabels();
  const { errorAt, warningAt } = useDefinitionForm();
  if (field.kind.kind !== 'union') return null;
  const { discriminator, options } = field.kind;
  const object = isObject(shownValue(field, value)) ? (shownValue(field, value) as Record<string, unknown>) : {};
  const kindPlace = childPlace(place, discriminator);
  const messages = (of: (pointer: string) => string | undefined) => [ownMessages ? of(place.pointer) : undefined, of(kindPlace.pointer)].filter(Boolean).join(' ') || undefined;
  const body = (
    <>
      <SelectField
        id={kindPlace.id}
        label={labels.label(discriminator)}
        error={messages(errorAt)}
        warning={messages(warningAt)}
        value={String(object[discriminator] ?? '')}
        onChange={(event) => onChange(switchKind(field, object, event.target.value))}
      >
        {[...options.keys()].map((option) => (
          <option key={option} value={option}>
            {labels.option(discriminator, option)}
          </option>
        ))}
      </SelectField>
      <Fields field={field} value={object} onChange={onChange} place={place} owner={owner} />
    </>
  );
  if (bare) return body;
  return (
    <fieldset className="def-group" id={place.id}>
      <legend>{labels.label(name)}</legend>
      {body}
    </fieldset>
  );
}
