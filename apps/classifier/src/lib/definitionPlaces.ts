import type en from '../i18n/en.json';
import { i18n } from '../i18n';
import { segmentsOf } from './definitionSchema';

type Texts = (typeof en)['lab']['definitionForm'];
type FieldName = keyof Texts['fields'];
type ListName = keyof Texts['items'];

/** The API's words for a set a definition names that the workflow does not serve, and the lab's (`apiWordsOf`). */
const NOT_LINKED = 'is not linked to this workflow; add it to subjectSetIds';

/**
 * Where a pointer into a workflow's save (its definition, or the subject sets it serves) is, in a researcher's words,
 * named as the lab's form names it: `/tasks/T1/answers/3/next` is "Task T1, answer 4, Next task",
 * `/selection/order` "Selection of subjects, Order", `/subjectSetIds` "Subject sets served". With `from` (a pointer
 * above it: the field a message is shown at), only what is below it. The one way the lab says such a pointer, in the
 * warnings and errors of a save and wherever else it names a place in a definition.
 */
export function pointerInWords(pointer: string, from = ''): string {
  const segments = segmentsOf(pointer);
  const shown = segmentsOf(from).length;
  const isItem = (index: number) => /^\d+$/.test(segments[index] ?? '') && index > 0;
  /** A list whose items name themselves ("answer 4"), and the tasks by key ("Task T1"): their own name goes without saying. */
  const namedByItem = (index: number) =>
    (index === 0 && segments[0] === 'tasks' && segments.length > 1) || (isItem(index + 1) && i18n.exists(`lab.definitionForm.items.${segments[index]}.place`));
  const words = segments.map((segment, index) => {
    const above = segments[index - 1] ?? '';
    if (namedByItem(index)) return null;
    if (index === 1 && above === 'tasks') return i18n.t('lab.definitionForm.place.task', { key: segment });
    if (index === 0 && segment === 'subjectSetIds') return i18n.t('lab.links.title');
    if (isItem(index)) {
      const n = Number(segment) + 1;
      return i18n.exists(`lab.definitionForm.items.${above}.place`) ? i18n.t(`lab.definitionForm.items.${above as ListName}.place`, { n }) : i18n.t('lab.definitionForm.place.item', { n });
    }
    return i18n.exists(`lab.definitionForm.fields.${segment}`) ? i18n.t(`lab.definitionForm.fields.${segment as FieldName}`) : segment;
  });
  return words
    .slice(shown)
    .filter((word) => word !== null)
    .join(', ');
}

/**
 * What the API's warnings about a new version say in its own terms (a route, a download's column), each with how the
 * lab says it (`apiWordsOf`).
 */
const API_TERMS: [string, () => string][] = [
  ['(unretire them, POST /workflows/:id/unretire, for more)', () => i18n.t('lab.definitionForm.place.unretire', { section: i18n.t('lab.subjects.retireTitle') })],
  ['flagged after_retirement', () => i18n.t('lab.definitionForm.place.afterRetirement')],
  ['(in its subjectSetIds)', () => i18n.t('lab.definitionForm.place.servedSets', { section: i18n.t('lab.links.title') })],
];

/**
 * An API message about a definition with what it says in the API's own terms (a field's JSON name, a route such as
 * `POST /workflows/:id/unretire`) in the lab's: researchers are not told the API's addresses.
 */
export const apiWordsOf = (message: string): string =>
  message === NOT_LINKED ? i18n.t('lab.definitionForm.place.notLinked') : API_TERMS.reduce((said, [api, lab]) => (said.includes(api) ? said.replace(api, lab()) : said), message);

/** A message of the API's at a pointer, as the lab lists it: "Task T1, answer 4: is not …" (`from`: as `pointerInWords`). */
export const messageAt = ({ pointer, message }: { pointer: string; message: string }, from = ''): string =>
  pointer ? i18n.t('lab.definitionForm.where', { where: pointerInWords(pointer, from), message: apiWordsOf(message) }) : apiWordsOf(message);
