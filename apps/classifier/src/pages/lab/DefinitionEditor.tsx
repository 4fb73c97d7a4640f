import { ChorusApiError, type WorkflowInput, type WorkflowSaved, type WorkflowView } from '@chorus/client';
import { type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/FormField';
import { useClient } from '../../lib/clientContext';
import { keptDrafts } from '../../lib/keptDrafts';
import { definitionOf, draftOf, type FormDraft, keyProblems } from '../../lib/definitionDraft';
import { messageAt, pointerInWords } from '../../lib/definitionPlaces';
import { notShown, placeMessages } from '../../lib/definitionSchema';
import { describeError } from '../../lib/errors';
import { parseDefinition, prettyJson, workflowSaveRefused } from '../../lib/lab';
import { type FormProblem, useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { type Saying, useSaid } from '../../lib/said';
import { DefinitionForm, type FieldMessages, NO_MESSAGES } from './definition/DefinitionForm';

/** The workflow's definition as last saved (or read) here, and the ETag that names it, which a save sends. */
export interface SavedDefinition {
  definition: WorkflowInput;
  etag: string | undefined;
}

/** How the draft is edited: as a form (of the draft read from the text), or as the text itself. */
type View = { mode: 'form'; draft: FormDraft } | { mode: 'json' };

/** The form of a draft's text, or why the form cannot show it (it is edited as JSON then). */
function formOf(text: string): { draft: FormDraft } | { why: ReturnType<typeof notShown> | 'notJson'; reason?: string } {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    // The browser's words say where (Chromium: "… at position 42 (line 3 column 15)").
    return { why: 'notJson', reason: error instanceof Error ? error.message : String(error) };
  }
  const problem = notShown(definition);
  return problem ? { why: problem } : { draft: draftOf(definition as Record<string, unknown>) };
}

/**
 * The workflow's definition, edited as a form (first) or as JSON, one draft for both: switching keeps every edit.
 * Save makes a new version when it changed, unless someone saved the workflow since the page read it (`last`: the
 * definition last saved or read here, and its ETag). The API's refusal is said at the form's fields its pointers name
 * (focus on the first), the rest in a summary; in JSON, it lists each field by its pointer (the summary focused). A save's answer says the version now current and its
 * warnings, each at its place in words, in a status region, and at their fields in the form; and, when the answer says
 * the save started a re-aggregation (the subjects' consensus computed again under the new version), that too, for the
 * page to list the run (`onSaved` is given the answer). Subject sets ticked under “Subject sets served” and not saved
 * yet (`setsTicked`) are saved with it, and said, rather than left behind unsaved.
 */
export function DefinitionEditor({
  workflow,
  last,
  setsTicked,
  onSaved,
}: { workflow: WorkflowView; last: SavedDefinition; setsTicked: readonly string[] | null; onSaved: (now: SavedDefinition, saved: WorkflowSaved) => void }) {
  const { t } = useTranslation();
  const { etag } = last;
  const client = useClient();
  /** What the last save here answered, and the workflow's status then: said until the workflow changes otherwise. */
  const [saved, setSaved] = useState<(WorkflowSaved & { status: WorkflowView['status']; sets?: number }) | null>(null);
  const current = prettyJson(workflow.definition);
  const [kept] = useState(() => definitionDrafts.read(workflow.id));
  const restored = kept?.text ?? null;
  // The version the draft was begun on (its ETag): a save sends it, so that a draft begun before a colleague's save is
  // refused rather than saved over their version. Absent: the version this page read. A kept draft begun on the version
  // the page read names its definition too, so that a later save of the subject sets here moves it on (see below).
  const named = useMemo(() => prettyJson(last.definition), [last.definition]);
  const begunOn = useRef<{ etag: string | undefined; definition?: string } | undefined>(
    kept?.etag === undefined ? undefined : { etag: kept.etag, definition: kept.etag === etag ? named : undefined },
  );
  const form = useForm({ definition: restored ?? current }, ['definition'] as const);
  // Kept on the device while it differs from the version saved: a reload, Back or a link away loses no edit.
  const text = form.values.definition;
  // Pinned when the text first differs, with the definition that ETag names: a later ETag names the draft only when it
  // names that definition still (subject sets saved), not another one (a version made current again under "Versions"),
  // which a save of the draft would otherwise put over unwarned.
  useEffect(() => {
    if (text === current) begunOn.current = undefined;
    else if (!begunOn.current || begunOn.current.definition === named) begunOn.current = { etag, definition: named };
    definitionDrafts.keep(workflow.id, text === current ? null : { text, etag: begunOn.current?.etag });
  }, [workflow.id, text, current, etag, named]);
  const sets = useLoaded(() => client.subjectSets(workflow.projectId), [client, workflow.projectId]).data?.subjectSets ?? [];

  const [view, setView] = useState<View>(() => {
    const shown = formOf(restored ?? current);
    return 'draft' in shown ? { mode: 'form', draft: shown.draft } : { mode: 'json' };
  });
  // Why the page is in JSON when the form was asked for (or why it stays in the form).
  const [note, setNote] = useSaid<string>(view.mode === 'json' ? whyNotShown(formOf(restored ?? current)) : null);
  const [placed, setMessages] = useSaid<FieldMessages>();
  const messages = placed ?? NO_MESSAGES;
  const problems = view.mode === 'form' ? keyProblems(view.draft) : new Map();
  const formElement = useRef<HTMLFormElement>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  useEffect(() => {
    if (focusRequest) formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-invalid]')?.focus();
  }, [focusRequest]);

  function whyNotShown(shown: ReturnType<typeof formOf>): Saying<string> | null {
    if (!('why' in shown) || !shown.why) return null;
    const { why, reason } = shown;
    if (why === 'notJson') return (t) => t('lab.workflow.definition.notShown.notJson', { reason });
    return (t) => t(`lab.workflow.definition.notShown.${why.why}`, { where: pointerInWords(why.pointer) });
  }
  /** Another draft for both views: the version saved, put back, or read back after a save. */
  const replaceDraft = (next: string) => {
    form.setValue('definition', next);
    if (view.mode === 'form') showForm(next);
    else setNote(null);
  };
  const showForm = (from: string) => {
    const shown = formOf(from);
    setNote(whyNotShown(shown));
    setView('draft' in shown ? { mode: 'form', draft: shown.draft } : { mode: 'json' });
  };
  const showJson = () => {
    if (problems.size) {
      setNote((t) => t('lab.workflow.definition.keysFirst'));
      setFocusRequest((n) => n + 1);
      return;
    }
    setNote(null);
    setView({ mode: 'json' });
  };
  /** A change made in the form; the text follows it while every task has a key of its own. */
  const edit = (draft: FormDraft) => {
    setView({ mode: 'form', draft });
    if (keyProblems(draft).size === 0) form.setValue('definition', prettyJson(definitionOf(draft)));
  };

  // The text as it is now, for a save's answer that comes after the researcher went on editing.
  const latestText = useRef(form.values.definition);
  latestText.current = form.values.definition;
  // Once the page reads the version a save made, the draft is that version (with what the API filled in), unless the
  // researcher edited it since the save was sent: their edit stays a draft.
  const madeVersion = useRef<{ version: number; sent: string } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the trigger is the version read back; `replaceDraft` reads the view of this render
  useEffect(() => {
    const made = madeVersion.current;
    if (made?.version !== workflow.version) return;
    madeVersion.current = null;
    if (latestText.current === made.sent) replaceDraft(current);
  }, [workflow.version, current]);

  /** The one way a definition is saved, from either view. */
  const save = async (definition: WorkflowInput) => {
    const sent = latestText.current;
    setSaved(null);
    setMessages(null);
    // The sets ticked and not saved go with the version (unless the JSON names the sets itself).
    const sets: Pick<WorkflowInput, 'subjectSetIds'> = setsTicked && definition.subjectSetIds === undefined ? { subjectSetIds: [...setsTicked] } : {};
    const { saved, etag: now } = await client.updateWorkflowForEdit(workflow.id, { ...definition, ...sets }, begunOn.current?.etag ?? etag);
    begunOn.current = undefined;
    if (latestText.current === sent) definitionDrafts.keep(workflow.id, null);
    madeVersion.current = { version: saved.version, sent };
    setSaved({ ...saved, status: workflow.status, sets: sets.subjectSetIds?.length });
    setMessages(() => ({ errors: new Map(), warnings: placeMessages(saved.warnings ?? [], definition).at }));
    onSaved({ definition, etag: now }, saved);
  };
  const submitJson = form.onSubmit({
    check: () => {
      const parsed = parseDefinition(form.values.definition);
      return 'error' in parsed ? { definition: parsed.error } : {};
    },
    send: async () => {
      const parsed = parseDefinition(form.values.definition);
      if (!('error' in parsed)) await save(parsed.definition);
    },
    refused: workflowSaveRefused,
  });
  const sent = view.mode === 'form' ? (definitionOf(view.draft) as WorkflowInput) : undefined;
  const submitForm = form.onSubmit({
    check: () => ({}),
    send: async () => {
      if (sent) await save(sent);
    },
    refused: (error, _t, again): FormProblem<'definition'> => {
      if (!(error instanceof ChorusApiError) || error.status !== 422 || !error.problem.errors?.length) return workflowSaveRefused(error);
      const { at, elsewhere } = placeMessages(error.problem.errors, sent);
      const errors = error.problem.errors;
      setMessages(() => ({ errors: placeMessages(errors, sent).at, warnings: new Map() }));
      if (at.size && !again) setFocusRequest((n) => n + 1);
      if (!elsewhere.length) return { fields: {}, form: null };
      return { fields: {}, form: { ...describeError(error), fields: elsewhere.map((named) => messageAt(named)) } };
    },
  });
  const onFormSubmit = (event: FormEvent) => {
    // A key no JSON object can hold is said at its field already: nothing is sent.
    if (problems.size) {
      event.preventDefault();
      setFocusRequest((n) => n + 1);
      return;
    }
    void submitForm(event);
  };

  const jsonField = form.field('definition');
  return (
    <section className="lab-section" aria-labelledby="lab-definition-heading">
      <h2 id="lab-definition-heading">{t('lab.workflow.definition.title')}</h2>
      <ErrorAlert problem={form.problem} focus={view.mode === 'json' || messages.errors.size === 0} />
      <div role="status" data-testid="lab-definition-saved">
        {saved && saved.version === workflow.version && saved.status === workflow.status && (
          <SaveAnswer saved={saved}>
            <p>{t('lab.workflow.definition.saved', { version: saved.version })}</p>
          </SaveAnswer>
        )}
      </div>
      {restored !== null && text === restored && (
        <p className="notice" data-testid="lab-definition-restored">
          {kept?.etag !== undefined && kept.etag !== etag ? t('lab.workflow.definition.restoredStale') : t('lab.workflow.definition.restored')}{' '}
          <button type="button" className="button button-secondary" onClick={() => replaceDraft(current)}>
            {t('lab.workflow.definition.discard')}
          </button>
        </p>
      )}
      <fieldset className="def-views">
        <legend>{t('lab.workflow.definition.views.label')}</legend>
        <button type="button" id="lab-definition-as-form" className="button button-secondary" aria-pressed={view.mode === 'form'} onClick={() => view.mode === 'json' && showForm(text)}>
          {t('lab.workflow.definition.views.form')}
        </button>
        <button type="button" id="lab-definition-as-json" className="button button-secondary" aria-pressed={view.mode === 'json'} onClick={() => view.mode === 'form' && showJson()}>
          {t('lab.workflow.definition.views.json')}
        </button>
      </fieldset>
      <div role="status" data-testid="lab-definition-note">
        {note && <p className="notice">{note}</p>}
      </div>
      {view.mode === 'form' ? (
        <form ref={formElement} className="account-form def-form" noValidate aria-labelledby="lab-definition-heading" onSubmit={onFormSubmit} onKeyDown={noImplicitSubmit}>
          <p className="field-hint">{t('lab.workflow.definition.formHint')}</p>
          <DefinitionForm draft={view.draft} problems={problems} messages={messages} sets={sets} served={setsTicked ?? workflow.subjectSetIds} onChange={edit} />
          <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
            {form.busy ? t('lab.saving') : t('lab.workflow.definition.save')}
          </button>
        </form>
      ) : (
        <form className="account-form" noValidate aria-labelledby="lab-definition-heading" onSubmit={(event) => void submitJson(event)}>
          <TextAreaField
            id="lab-definition"
            className="lab-definition"
            label={t('lab.workflow.definition.label')}
            hint={t('lab.workflow.definition.hint')}
            rows={20}
            spellCheck={false}
            autoCapitalize="none"
            {...jsonField}
            onChange={(event) => {
              setNote(null); // why the page is in JSON was about the text before this edit
              jsonField.onChange(event);
            }}
          />
          <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
            {form.busy ? t('lab.saving') : t('lab.workflow.definition.save')}
          </button>
        </form>
      )}
    </section>
  );
}

/** Enter in a line of the form does not save it: a save makes a new version, so it waits for the Save button. */
function noImplicitSubmit(event: KeyboardEvent<HTMLFormElement>) {
  if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type !== 'submit') event.preventDefault();
}

/** What a save answered (`children` first, the version it made): the sets saved with it, a re-aggregation started, its warnings. */
export function SaveAnswer({ saved, children }: { saved: WorkflowSaved & { sets?: number }; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="notice lab-saved">
      {children}
      {saved.sets !== undefined && <p data-testid="lab-definition-sets-saved">{t('lab.links.saved', { count: saved.sets })}</p>}
      {saved.reaggregation && <p data-testid="lab-definition-reaggregating">{t('lab.workflow.definition.reaggregating')}</p>}
      {saved.warnings?.length ? (
        <>
          <p>{t('lab.workflow.definition.warnings', { count: saved.warnings.length })}</p>
          <ul data-testid="lab-definition-warnings">
            {saved.warnings.map((warning) => (
              <li key={`${warning.pointer} ${warning.message}`}>{messageAt(warning)}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** An unsaved edit of a workflow's definition, and the ETag of the version it was begun on. */
interface DefinitionDraft {
  text: string;
  etag?: string;
}

/** Unsaved edits of workflow definitions, one per workflow, in this browser's storage. */
const definitionDrafts = keptDrafts('definition', asDraft);

/** A kept draft as stored: `{ text, etag }`, or, kept before drafts knew their version, the text alone. */
function asDraft(kept: string): DefinitionDraft {
  try {
    const draft = JSON.parse(kept) as Partial<DefinitionDraft> | null;
    if (draft && typeof draft === 'object' && typeof draft.text === 'string') return { text: draft.text, etag: typeof draft.etag === 'string' ? draft.etag : undefined };
  } catch {
    // Not JSON: a definition's text being edited, kept before drafts knew their version.
  }
  return { text: kept };
}
