import { useTranslation } from 'react-i18next';
import type en from '../../../i18n/en.json';
import type { Field } from '../../../lib/definitionSchema';
import { type Place, useDefinitionForm } from './formContext';

type Texts = (typeof en)['lab']['definitionForm'];
type FieldName = keyof Texts['fields'];
type HintText = { [C in keyof Texts['hints']]: `lab.definitionForm.hints.${C}.${keyof Texts['hints'][C] & string}` }[keyof Texts['hints']];
type ListName = keyof Texts['items'];
type OptionKey = { [F in keyof Texts['options']]: `lab.definitionForm.options.${F}.${keyof Texts['options'][F] & string}` }[keyof Texts['options']];

/**
 * The words of the definition's form, by the schema's own field names: a label for every field
 * (`lab.definitionForm.fields.<name>`, a test checks that each field of the schemas has one), a hint for some, by its
 * place (`hintKeyAt`), the words for each choice, and the names of a list's items ("answer 2 of T0").
 */
export function useLabels() {
  const { t, i18n } = useTranslation();
  const { hintKeyAt } = useDefinitionForm();
  const hintAt = (place: Place) => {
    const { context, name } = hintKeyAt(place.pointer);
    return i18n.exists(`lab.definitionForm.hints.${context}.${name}`) ? t(`lab.definitionForm.hints.${context}.${name}` as HintText) : undefined;
  };
  return {
    label: (name: string) => t(`lab.definitionForm.fields.${name as FieldName}`),
    /** The hint of the field at `place`, and what a number or text left empty stands for (the schema's default). */
    hint(place: Place, field?: Field): string | undefined {
      const fallback = field?.fallback !== undefined && (field.kind.kind === 'number' || field.kind.kind === 'text') ? t('lab.definitionForm.byDefault', { value: String(field.fallback) }) : undefined;
      return [hintAt(place), fallback].filter(Boolean).join(' ') || undefined;
    },
    option: (name: string, value: string) =>
      i18n.exists(`lab.definitionForm.options.${name}.${value}`) ? t(`lab.definitionForm.options.${name}.${value}` as OptionKey) : value,
    itemLegend: (list: string, n: number) => t(`lab.definitionForm.items.${list as ListName}.legend`, { n }),
    itemName: (list: string, n: number, owner: string) => t(`lab.definitionForm.items.${list as ListName}.name`, { n, owner }),
    addItem: (list: string, owner: string) => t(`lab.definitionForm.items.${list as ListName}.add`, { owner }),
  };
}
