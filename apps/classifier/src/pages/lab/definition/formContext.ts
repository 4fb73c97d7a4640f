import type { SubjectSetSummary } from '@chorus/client';
import { toPointer } from '@chorus/tasks';
import { createContext, useContext } from 'react';
import type { HintKey } from '../../../lib/definitionHints';

/**
 * Where a field of the definition's form is: the JSON pointer the API names it by (for its messages), and the id of
 * its control. Ids follow the tasks' places, not their keys, which may be empty or repeated while typed.
 */
export interface Place {
  pointer: string;
  id: string;
}

export const ROOT: Place = { pointer: '', id: 'lab-def' };

export const childPlace = (place: Place, segment: string, idSegment = segment): Place => ({
  pointer: `${place.pointer}${toPointer([segment])}`,
  id: `${place.id}-${idSegment.replace(/[^A-Za-z0-9_-]/g, '_')}`,
});

/** What every field of the form reads: the choices among tasks and sets, its messages, and where focus goes next. */
export interface DefinitionFormContext {
  /** The tasks' keys, in order, each once. */
  keys: readonly string[];
  /** The keys a task's `next` at `pointer` may name: every task but that task and those that lead back to it (a loop). */
  nextKeysAt(pointer: string): readonly string[];
  /** What a choice of task shows for each key: the key and the task's question (`T3: How many people?`). */
  taskNames: ReadonlyMap<string, string>;
  sets: readonly SubjectSetSummary[];
  /** The sets the workflow serves (or will, once saved with the sets ticked): no effect may route into them. */
  served: ReadonlySet<string>;
  /** The API's errors about the field at `pointer`, as one text. */
  errorAt(pointer: string): string | undefined;
  warningAt(pointer: string): string | undefined;
  /** Focuses the control with this id (or the first control inside it) once the page shows it. */
  focusLater(id: string): void;
  /** Which hint the field at `pointer` has, in the definition as it now is. */
  hintKeyAt(pointer: string): HintKey;
}

export const FormContext = createContext<DefinitionFormContext | null>(null);

export function useDefinitionForm(): DefinitionFormContext {
  const context = useContext(FormContext);
  if (!context) throw new Error('a field of the definition outside its form');
  return context;
}
