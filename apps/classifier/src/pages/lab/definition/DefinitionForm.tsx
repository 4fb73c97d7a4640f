import type { SubjectSetSummary } from '@chorus/client';
import { toPointer } from '@chorus/tasks';
import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { sentence } from '../../../lib/account';
import { apiWordsOf, messageAt } from '../../../lib/definitionPlaces';
import { definitionOf, type FormDraft, type KeyProblem, leadsTo, type TaskRow, withField } from '../../../lib/definitionDraft';
import { hintKeyAt } from '../../../lib/definitionHints';
import { DEFINITION, fieldsOf, isObject, type PlacedMessage } from '../../../lib/definitionSchema';
import { firstControlIn } from '../../../lib/focus';
import { FieldControl } from './Field';
import { childPlace, type DefinitionFormContext, FormContext, ROOT } from './formContext';
import { TaskList } from './TaskFields';

/** The API's messages at the form's fields, by the pointer of each field. */
export interface FieldMessages {
  errors: ReadonlyMap<string, PlacedMessage[]>;
  warnings: ReadonlyMap<string, PlacedMessage[]>;
}

export const NO_MESSAGES: FieldMessages = { errors: new Map(), warnings: new Map() };

/**
 * The definition's fields, in the schema's order: its name, first task, tasks, retirement, selection, effects,
 * tutorial and feedback; each change makes a new draft (`onChange`). The API's messages show at the fields they name.
 */
export function DefinitionForm({
  draft,
  problems,
  messages,
  sets,
  served,
  onChange,
}: {
  draft: FormDraft;
  problems: ReadonlyMap<string, KeyProblem>;
  messages: FieldMessages;
  sets: readonly SubjectSetSummary[];
  served: readonly string[];
  onChange: (draft: FormDraft) => void;
}) {
  // Said again in another language: the messages below are put in words through `i18n`, task names through `t`.
  const { t } = useTranslation();
  const [focus, setFocus] = useState<{ id: string } | null>(null);
  useEffect(() => {
    if (!focus) return;
    const element = document.getElementById(focus.id);
    (element?.matches('input, select, textarea, button') ? element : firstControlIn(element))?.focus();
  }, [focus]);
  // What is below the field a message is shown at is said in words ("answer 4"), as the save's summary says it.
  const say = (placed: PlacedMessage[] | undefined, at: string) =>
    placed?.map(({ within, message }) => sentence(within ? messageAt({ pointer: `${at}/${within}`, message }, at) : apiWordsOf(message))).join(' ') || undefined;
  const definition = definitionOf(draft);
  const keys = [...new Set(draft.tasks.map((row) => row.key).filter(Boolean))];
  const context: DefinitionFormContext = {
    keys,
    nextKeysAt: (pointer) => nextKeysAt(keys, definition, pointer),
    taskNames: taskNamesOf(t, draft.tasks),
    sets,
    served: new Set(served),
    errorAt: (pointer) => say(messages.errors.get(pointer), pointer),
    warningAt: (pointer) => say(messages.warnings.get(pointer), pointer),
    focusLater: (id) => setFocus({ id }),
    hintKeyAt: (pointer) => hintKeyAt(pointer, definition),
  };
  return (
    <FormContext.Provider value={context}>
      {fieldsOf(DEFINITION, draft.rest).map(([name, field]) =>
        name === 'tasks' ? (
          <TaskList key={name} draft={draft} problems={problems} onChange={onChange} />
        ) : (
          <FieldControl key={name} name={name} field={field} value={draft.rest[name]} onChange={(next) => onChange({ ...draft, rest: withField(draft.rest, name, next) })} place={childPlace(ROOT, name)} owner="" />
        ),
      )}
    </FormContext.Provider>
  );
}

/** The keys a `next` at `pointer` may name: all but its own task and those that lead to it; all for another field. */
function nextKeysAt(keys: readonly string[], definition: Record<string, unknown>, pointer: string): readonly string[] {
  const owner = pointer.endsWith('/next') ? keys.find((key) => pointer.startsWith(`${toPointer(['tasks', key])}/`)) : undefined;
  const tasks = isObject(definition.tasks) ? definition.tasks : {};
  return owner === undefined ? keys : keys.filter((key) => !leadsTo(tasks, key, owner));
}

/** Each task's key with its question or instruction (`T3: How many people?`), as a choice of task names it; the first task of a key typed twice. */
function taskNamesOf(t: TFunction, tasks: readonly TaskRow[]): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const { key, task } of tasks) {
    const words = [task.question, task.instruction].find((text): text is string => typeof text === 'string' && text.trim() !== '')?.trim();
    if (key && !names.has(key)) names.set(key, words ? `${key}${t('app.colon')}${words}` : key);
  }
  return names;
}
