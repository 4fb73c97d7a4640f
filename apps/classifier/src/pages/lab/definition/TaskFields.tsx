import { toPointer } from '@chorus/tasks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormField, SelectField } from '../../../components/FormField';
import { type FormDraft, type KeyProblem, renamed, replaced, type TaskRow, withNewTask, without } from '../../../lib/definitionDraft';
import { newItem, TASK } from '../../../lib/definitionSchema';
import { childPlace, type Place, ROOT, useDefinitionForm } from './formContext';
import { AddButton, ItemActions } from './ItemList';
import { KindFields } from './KindFields';
import { useLabels } from './labels';

const TASKS: Place = childPlace(ROOT, 'tasks');
const taskPlace = (row: TaskRow, index: number): Place => ({ pointer: toPointer(['tasks', row.key]), id: `${TASKS.id}-t${index}` });

/**
 * The workflow's tasks in the order volunteers meet them (`draftOf`), each in a fieldset: its key, its type (any the
 * registry offers) and that type's fields; removed, and added at the end with a type chosen first.
 */
export function TaskList({ draft, problems, onChange }: { draft: FormDraft; problems: ReadonlyMap<string, KeyProblem>; onChange: (draft: FormDraft) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { errorAt, focusLater } = useDefinitionForm();
  const [newType, setNewType] = useState(() => String(newItem(TASK).type));
  const types = TASK.kind.kind === 'union' ? [...TASK.kind.options.keys()] : [];
  const rows = draft.tasks;
  const addId = `${TASKS.id}-add`;
  const error = errorAt(TASKS.pointer);
  return (
    <fieldset className="def-list" id={TASKS.id}>
      <legend>{labels.label('tasks')}</legend>
      <p className="field-hint">{labels.hint(TASKS)}</p>
      {rows.map((row, index) => (
        <TaskFields
          key={row.id}
          row={row}
          index={index}
          count={rows.length}
          problem={problems.get(row.id)}
          onKey={(typed) => onChange(renamed(draft, index, typed))}
          onTask={(task) => onChange({ ...draft, tasks: replaced(rows, index, { ...row, task }) })}
          onRemove={() => {
            onChange({ ...draft, tasks: without(rows, index) });
            focusLater(addId);
          }}
        />
      ))}
      <div className="def-add-task">
        <SelectField id={`${TASKS.id}-new-type`} label={t('lab.definitionForm.task.newType')} value={newType} onChange={(event) => setNewType(event.target.value)}>
          {types.map((type) => (
            <option key={type} value={type}>
              {labels.option('type', type)}
            </option>
          ))}
        </SelectField>
        <AddButton
          id={addId}
          listId={TASKS.id}
          error={error}
          onAdd={() => {
            onChange(withNewTask(draft, { type: newType }));
            focusLater(`${TASKS.id}-t${rows.length}-key`);
          }}
        >
          {t('lab.definitionForm.task.add')}
        </AddButton>
      </div>
    </fieldset>
  );
}

function TaskFields({
  row,
  index,
  count,
  problem,
  onKey,
  onTask,
  onRemove,
}: {
  row: TaskRow;
  index: number;
  count: number;
  problem: KeyProblem | undefined;
  onKey: (typed: string) => void;
  onTask: (task: Record<string, unknown>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { errorAt, warningAt } = useDefinitionForm();
  const place = taskPlace(row, index);
  const n = index + 1;
  // Said as typed, before any save: a key no JSON object could hold.
  const keyProblem = problem === 'empty' ? t('lab.definitionForm.task.keyEmpty') : problem === 'repeated' ? t('lab.definitionForm.task.keyRepeated') : undefined;
  const owner = row.key ? row.key : t('lab.definitionForm.task.nameWithoutKey', { n });
  return (
    <fieldset className="def-task" id={place.id}>
      <legend>{row.key ? t('lab.definitionForm.task.legend', { n, key: row.key }) : t('lab.definitionForm.task.legendWithoutKey', { n })}</legend>
      <FormField
        id={`${place.id}-key`}
        label={t('lab.definitionForm.task.key')}
        hint={t('lab.definitionForm.task.keyHint')}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={row.key}
        error={keyProblem ?? (problem ? undefined : errorAt(place.pointer))}
        warning={warningAt(place.pointer)}
        onChange={(event) => onKey(event.target.value)}
      />
      <KindFields name="tasks" field={TASK} value={row.task} onChange={(task) => onTask(task as Record<string, unknown>)} place={place} owner={owner} bare ownMessages={false} />
      <ItemActions idPrefix={place.id} what={row.key ? t('lab.definitionForm.task.name', { key: row.key }) : t('lab.definitionForm.task.nameWithoutKey', { n })} index={index} count={count} onRemove={onRemove} />
    </fieldset>
  );
}
