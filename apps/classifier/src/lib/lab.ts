import { ChorusApiError, type ChorusClient, isProblem, MODERATION_ROLES, notInWorkflowOf, RESEARCHER_ROLES, REVIEW_ROLES, type ProjectRole, type ProjectSummary, type WorkflowInput, type WorkflowVersionSummary } from '@chorus/client';
import { SUBJECT_LOCATION_COLUMNS, columnKey } from '@chorus/tasks';
import { i18n } from '../i18n';
import { problemAtFields, sentence } from './account';
import { messageAt } from './definitionPlaces';
import { describeError, goneAt } from './errors';
import { listOf } from './formats';
import { type ListedPriority, type ListedSubject, prioritiesListed, type SentLists } from './subjectLists';
import type { FieldErrors, FormProblem } from './useForm';

/** A project the account works on as a researcher, a moderator or a reviewer (`inLab`). */
export type LabProject = ProjectSummary & { role: ProjectRole };

/** Whether the role designs the project's workflows, subjects and data (the lab's every section). */
export const isResearcher = (role: ProjectRole | null): boolean => role !== null && RESEARCHER_ROLES.includes(role);
/** Whether the role moderates what volunteers send (the lab's reported subjects and proposed tags, at least). */
export const moderates = (role: ProjectRole | null): boolean => role !== null && MODERATION_ROLES.includes(role);
/** Whether the role checks the consensus (the lab's results of each workflow, and their reviews). */
export const reviews = (role: ProjectRole | null): boolean => role !== null && REVIEW_ROLES.includes(role);
/** Whether the role has a part in the lab: it moderates, or reviews. */
export const inLab = (role: ProjectRole | null): boolean => moderates(role) || reviews(role);

/**
 * The projects a workflow of project `projectId` may be copied into: its own first, always (with no `title` when
 * `projects` left it out), then the others the account is a researcher of.
 */
export function copyTargets(projects: readonly LabProject[], projectId: string): { id: string; title?: string }[] {
  const own = projects.find((project) => project.id === projectId);
  const others = projects.filter((project) => project.id !== projectId && isResearcher(project.role));
  return [{ id: projectId, title: own?.title }, ...others.map(({ id, title }) => ({ id, title }))];
}

/**
 * The projects the account works on in the lab: as a researcher, a moderator or a reviewer; all of them, however many
 * pages (of `limit` projects each: the API's 500 when left out).
 */
export async function labProjects(client: ChorusClient, limit?: number): Promise<LabProject[]> {
  const projects = await client.everyProject({ member: true, limit });
  return projects.filter((project): project is LabProject => inLab(project.role));
}

/** Words of a column that name a table of subjects (`Full text` too), however a spreadsheet writes them (`columnKey`: `Image URL`). */
const SUBJECT_TABLE_COLUMN = new RegExp(`(?:^|_)(?:${['external_id', ...SUBJECT_LOCATION_COLUMNS].join('|')})(?:_|$)`);

/** Whether a file's first line names the columns of a table of subjects, separated by tabs. */
const isTabSeparatedHeader = (opening: string): boolean => {
  const cells = opening.split(/\r?\n/, 1)[0]!.split('\t');
  return cells.length > 1 && cells.some((cell) => SUBJECT_TABLE_COLUMN.test(columnKey(cell.replace(/^\uFEFF|"/g, ''))));
};

/**
 * The media type the API reads a subject file as, from its name (browsers label CSV and JSON files unevenly), else
 * from its beginning: a IIIF manifest saved from its address has no extension, and Excel's "Text (Tab delimited)"
 * is a table in a `.txt` file.
 */
export async function uploadContentType(file: Blob & { name: string }): Promise<string> {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  const opening = await file.slice(0, 1024).text();
  if (extension === 'csv') return 'text/csv';
  if (extension === 'tsv') return 'text/tab-separated-values';
  if (extension === 'txt') return isTabSeparatedHeader(opening) ? 'text/tab-separated-values' : 'text/plain';
  if (extension === 'jsonld') return 'application/ld+json';
  if (extension === 'json') return 'application/json';
  if (/^\s*[{[]/.test(opening)) return 'application/json';
  return file.type || 'application/octet-stream';
}

/** Whether a file's name says it is JSON, as each of several files uploaded at once (IIIF manifests) must be. */
export const isJsonFile = (file: { name: string }): boolean => /\.(json|jsonld)$/i.test(file.name);

/**
 * The body of an upload of the files chosen: one file's bytes as they are (`uploadContentType`), and, for a text
 * corpus, its name, which names its passages (`letters-1890#3`); several IIIF manifests as one JSON list of them,
 * which the API reads all or nothing.
 */
export async function uploadBody(files: readonly File[]): Promise<{ body: Blob | string; contentType: string; fileName?: string }> {
  if (files.length === 1) {
    const contentType = await uploadContentType(files[0]!);
    return { body: files[0]!, contentType, ...(contentType === 'text/plain' ? { fileName: files[0]!.name } : {}) };
  }
  const manifests = await Promise.all(files.map(async (file) => (await file.text()).replace(/^\uFEFF/, '')));
  return { body: `[${manifests.join(',\n')}]`, contentType: 'application/json' };
}

/** A new workflow's first definition: one yes/no question, for the researcher to rewrite in the editor. */
export function starterWorkflow(name: string): WorkflowInput {
  return {
    name,
    firstTask: 'T0',
    tasks: {
      T0: {
        type: 'single',
        question: i18n.t('lab.workflows.starterQuestion'),
        answers: [
          { value: 'yes', label: i18n.t('lab.workflows.starterYes') },
          { value: 'no', label: i18n.t('lab.workflows.starterNo') },
        ],
      },
    },
  };
}

/** Keys a definition reads best in, first where an object has them (the API's JSON comes with its keys reordered). */
const KEY_ORDER = ['name', 'firstTask', 'type', 'question', 'instruction', 'help', 'value', 'label', 'next'];

function readableOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readableOrder);
  if (typeof value !== 'object' || value === null) return value;
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((key) => [key, readableOrder((value as Record<string, unknown>)[key])]));
}

/** A definition as the editor shows it: indented, its name, first task and each task's type and question first. */
export const prettyJson = (value: unknown): string => JSON.stringify(readableOrder(value), null, 2);

/** The editor's text as a definition, or why it is not JSON (the API is never asked about text that is not). */
export function parseDefinition(text: string): { definition: WorkflowInput } | { error: string } {
  try {
    const definition: unknown = JSON.parse(text);
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return { error: i18n.t('lab.workflow.definition.notObject') };
    return { definition: definition as WorkflowInput };
  } catch (error) {
    return { error: i18n.t('lab.workflow.definition.notJson', { reason: error instanceof Error ? error.message : String(error) }) };
  }
}

/**
 * A refused save of a workflow: someone else's save since the page read it (412, said in the researcher's words: the
 * API's speaks of ETags), else the API's errors, each at its place in words.
 */
export function workflowSaveRefused(error: unknown): FormProblem<never> {
  if (isProblem(error, 'version-conflict', 412)) return { fields: {}, form: { detail: i18n.t('lab.workflow.conflict'), fields: [] } };
  // Each place the API names by pointer, in the researcher's words ("Task T1, answer 4").
  if (error instanceof ChorusApiError && error.status === 422 && error.problem.errors?.length) return { fields: {}, form: { ...describeError(error), fields: error.problem.errors.map((named) => messageAt(named)) } };
  return problemAtFields(error, [] as const);
}

/** The project's subject set that has the name a set was refused (the API compares names trimmed, case aside), or null. */
export function setWithTakenName(error: unknown): { id: string; name: string } | null {
  return (isProblem(error, 'subject-set-name-taken', 409) && (error as ChorusApiError).problem.subjectSet) || null;
}

/**
 * Where in a file the API says a subject it refuses came from, at the end of its message: a CSV's line and column
 * (`must be an http(s) URL (line 5 of the CSV, column "image_url")`), a text's passage.
 */
const PLACE_IN_FILE = /^(.*) \(((?:line \d+ of the CSV|passage \d+ of the text)(?:, column ".*")?)\)$/s;

/**
 * An error of a refused upload, said where the researcher finds it: a subject of a file by its place in the file
 * ("Line 5 of the CSV, column "image_url": must be an http(s) URL"), not by the API's pointer into the subjects it
 * read (`/subjects/3/locations/0/url`); anything else by its pointer.
 */
export function uploadErrorInWords({ pointer, message }: { pointer: string; message: string }): string {
  const place = pointer.startsWith('/subjects/') ? PLACE_IN_FILE.exec(message) : null;
  if (!place) return pointer ? `${pointer}${i18n.t('app.colon')}${message}` : message;
  const [, said = '', where = ''] = place;
  return i18n.t('lab.definitionForm.where', { where: `${where[0]!.toUpperCase()}${where.slice(1)}`, message: said });
}

/**
 * A refused name of a subject set: another set's of the project (in the researcher's words; for the new set of an
 * upload, `upload`, with the upload into that set offered), else the API's errors at the name (an upload's others at
 * their place in the file: `uploadErrorInWords`).
 */
export function setNameRefused(error: unknown, { upload = false }: { upload?: boolean } = {}): FormProblem<'name'> {
  const taken = setWithTakenName(error);
  if (!taken) return upload ? problemAtFields(error, ['name'] as const, uploadErrorInWords) : problemAtFields(error, ['name'] as const);
  const said = upload ? i18n.t('lab.sets.nameTakenUpload', { set: taken.name }) : i18n.t('lab.sets.nameTaken', { set: taken.name });
  return { fields: { name: said }, form: null };
}

/** Where a listed subject was typed, for a message: "line 3 (snippet-7)". */
export const whereListed = ({ text, line }: ListedSubject): string => i18n.t('lab.subjects.where', { line, text });

/** A list of priorities, and what is wrong with each line that is not a subject and its priority, in words. */
export function listedPriorities(typed: string): { listed: ListedPriority[]; errors: string[] } {
  const { listed, problems } = prioritiesListed(typed);
  const errors = problems.map((problem) =>
    problem.text === undefined
      ? i18n.t('lab.subjects.priorities.badLine', { line: problem.line })
      : i18n.t('lab.subjects.priorities.twice', { line: problem.line, text: problem.text, first: problem.first }),
  );
  return { listed, errors };
}

/**
 * The refusal of a list of subjects, said at the list's field: each subject the API names by its position in the
 * request (`/subjectIds/3`, `/externalIds/0`, `/priorities/3/externalId`), by its line and text as
 * typed (those outside the workflow in the researcher's words, the rest with the API's reason). Errors at the other
 * fields named go to them (`/reason`, `/subjectSetId`), and what names no field to the form.
 */
export function subjectsRefused<F extends string>(error: unknown, sent: SentLists, listField: F, otherFields: Record<string, F>): FormProblem<F> {
  const notFound = (missing: readonly string[]) => i18n.t('lab.subjects.notInWorkflow', { count: missing.length, list: listOf(missing) });
  if (!(error instanceof ChorusApiError) || error.status !== 422) return problemAtFields(error, [] as const);
  const outside: string[] = [];
  const other: string[] = [];
  const fields: FieldErrors<F> = {};
  const unnamed: string[] = [];
  for (const { pointer, message } of error.problem.errors ?? []) {
    const [, list = '', index = ''] = /^\/(\w+)\/(\d+)/.exec(pointer) ?? [];
    const entry = sent[list]?.[Number(index)];
    const field = otherFields[pointer];
    const notIn = notInWorkflowOf(message);
    if (entry && notIn) outside.push(notIn.nearMiss === null ? whereListed(entry) : i18n.t('lab.subjects.nearMiss', { line: entry.line, text: entry.text, id: notIn.nearMiss }));
    else if (entry) other.push(`${whereListed(entry)}${i18n.t('app.colon')}${message}`);
    else if (field) fields[field] ??= sentence(message);
    else unnamed.push(pointer ? `${pointer}${i18n.t('app.colon')}${message}` : message);
  }
  const atList = [...(outside.length ? [notFound(outside)] : []), ...other];
  if (atList.length) fields[listField] = atList.join(' ');
  return { fields, form: unnamed.length || !Object.keys(fields).length ? { ...describeError(error), fields: unnamed } : null };
}

/**
 * A refused change of role: the member named is no longer one, or owns the project now (someone changed the team
 * since the page read it), said at the member's field; otherwise the API's errors at the fields they name.
 */
export function roleChangeRefused(error: unknown): FormProblem<'email' | 'role'> {
  if (error instanceof ChorusApiError && error.status === 422 && error.problem.errors?.some((field) => field.pointer === '/email')) {
    return { fields: { email: i18n.t('lab.team.change.gone') }, form: null };
  }
  return problemAtFields(error, ['email', 'role'] as const);
}

/**
 * A change to the team refused because what it names went meanwhile (a member who left, an invitation answered or
 * withdrawn: the API names its address's `pointer` as naming nothing), said in the researcher's words (`meanwhile`).
 */
export function teamChangeRefused(error: unknown, pointer: string, meanwhile: string): FormProblem<never> {
  return goneAt(error, pointer) ? { fields: {}, form: { detail: meanwhile, fields: [] } } : problemAtFields(error, [] as const);
}

/**
 * A refused invitation: to a member already (at the email), from an account whose own email is not verified yet (the
 * invitation is mailed in its name), each in the researcher's words; otherwise the API's errors at their fields.
 */
export function invitationRefused(error: unknown, email: string): FormProblem<'email' | 'role'> {
  if (isProblem(error, 'already-member', 409)) return { fields: { email: i18n.t('lab.team.invite.alreadyMember', { email }) }, form: null };
  if (isProblem(error, 'email-unverified', 403)) return { fields: {}, form: { detail: i18n.t('lab.team.invite.unverified'), fields: [] } };
  return problemAtFields(error, ['email', 'role'] as const);
}

/**
 * The classifications made under the versions before `version` (`versions` as listed, any order): what a new version
 * that changes consensus computes again. None: the version changed nothing anyone had answered.
 */
export function classifiedBefore(versions: readonly Pick<WorkflowVersionSummary, 'version' | 'classifications'>[], version: number): number {
  return versions.reduce((sum, earlier) => (earlier.version < version ? sum + earlier.classifications : sum), 0);
}
