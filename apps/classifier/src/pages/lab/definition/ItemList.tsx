import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { moved, replaced, without } from '../../../lib/definitionDraft';
import { newItem, shownValue } from '../../../lib/definitionSchema';
import { Fields } from './Field';
import { childPlace, useDefinitionForm } from './formContext';
import { KindFields } from './KindFields';
import type { FieldProps } from './LeafField';
import { useLabels } from './labels';

/**
 * A list of objects (a task's answers or senses, the rules of an `any`, effects, tutorial steps): each in a fieldset
 * of its own, moved up or down or removed by buttons that name it, and one more added at the end. What the API says
 * of the list as a whole (too few answers) is said at its Add button.
 */
export function ItemList({ name, field, value, onChange, place, owner }: FieldProps) {
  const labels = useLabels();
  const { errorAt, focusLater } = useDefinitionForm();
  if (field.kind.kind !== 'items') return null;
  const { item } = field.kind;
  const items = Array.isArray(shownValue(field, value)) ? (shownValue(field, value) as unknown[]) : [];
  // Emptied, a list with a default is sent empty: left out of a save, it would keep the workflow's (effects).
  const change = (next: unknown[]) => onChange(next.length === 0 && field.optional && field.fallback === undefined ? undefined : next);
  const addId = `${place.id}-add`;
  const error = errorAt(place.pointer);
  return (
    <fieldset className="def-list" id={place.id}>
      <legend>{labels.label(name)}</legend>
      {labels.hint(place, field) && <p className="field-hint">{labels.hint(place, field)}</p>}
      {items.map((each, index) => {
        const at = childPlace(place, String(index));
        const fields = { name, field: item, value: each, onChange: (next: unknown) => change(replaced(items, index, next)), place: at, owner };
        return (
          // Items have no identity but their place: the fieldset at a place shows whichever item is there.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <fieldset key={index} className={item.kind.kind === 'union' ? 'def-item' : 'def-item def-item-row'} id={at.id}>
            <legend>{labels.itemLegend(name, index + 1)}</legend>
            {item.kind.kind === 'union' ? <KindFields {...fields} bare /> : <Fields {...fields} />}
            <ItemActions
              idPrefix={at.id}
              what={labels.itemName(name, index + 1, owner)}
              index={index}
              count={items.length}
              onMove={(to) => {
                change(moved(items, index, to));
                focusLater(`${childPlace(place, String(to)).id}-${to < index ? 'up' : 'down'}`);
              }}
              onRemove={() => {
                change(without(items, index));
                focusLater(addId);
              }}
            />
          </fieldset>
        );
      })}
      <AddButton
        id={addId}
        listId={place.id}
        error={error}
        onAdd={() => {
          change([...items, newItem(item)]);
          focusLater(childPlace(place, String(items.length)).id);
        }}
      >
        {labels.addItem(name, owner)}
      </AddButton>
    </fieldset>
  );
}

/**
 * A list's Add button, and above it the API's message about the list as a whole (too few answers, say), which the
 * button carries for a screen reader and takes focus for after a refused save.
 */
export function AddButton({ id, listId, error, onAdd, children }: { id: string; listId: string; error: string | undefined; onAdd: () => void; children: ReactNode }) {
  const errorId = `${listId}-error`;
  return (
    <>
      {error && (
        <p className="field-error" id={errorId} data-testid={errorId}>
          {error}
        </p>
      )}
      <button type="button" id={id} className="button button-secondary" aria-describedby={error ? errorId : undefined} data-invalid={error ? true : undefined} onClick={onAdd}>
        {children}
      </button>
    </>
  );
}

/**
 * Up, Down (when the list's order is kept: not a workflow's tasks, whose order is Chorus's) and Remove for an item of
 * a list, each named with what it acts on ("Remove answer 2 of T0").
 */
export function ItemActions({ idPrefix, what, index, count, onMove, onRemove }: { idPrefix: string; what: string; index: number; count: number; onMove?: (to: number) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const first = index === 0;
  const last = index === count - 1;
  return (
    <div className="lab-actions def-actions">
      {onMove && (
        <>
          <button type="button" id={`${idPrefix}-up`} className="button button-secondary button-small" aria-label={t('lab.definitionForm.moveUp', { what })} aria-disabled={first || undefined} onClick={() => !first && onMove(index - 1)}>
            {t('lab.definitionForm.up')}
          </button>
          <button type="button" id={`${idPrefix}-down`} className="button button-secondary button-small" aria-label={t('lab.definitionForm.moveDown', { what })} aria-disabled={last || undefined} onClick={() => !last && onMove(index + 1)}>
            {t('lab.definitionForm.down')}
          </button>
        </>
      )}
      <button type="button" id={`${idPrefix}-remove`} className="button button-secondary button-small" aria-label={t('lab.definitionForm.removeWhat', { what })} onClick={onRemove}>
        {t('lab.definitionForm.remove')}
      </button>
    </div>
  );
}
