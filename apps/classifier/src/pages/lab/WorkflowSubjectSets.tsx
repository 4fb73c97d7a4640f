import type { ProjectView, SubjectSetSummary, WorkflowSaved, WorkflowView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { showAccountNotice } from '../../lib/account';
import { workflowSaveRefused } from '../../lib/lab';
import { useClient } from '../../lib/clientContext';
import { quotedListIn } from '../../lib/lists';
import { Link, labWorkflowPath } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import type { SavedDefinition } from './DefinitionEditor';

/** The ids of the subject sets ticked. */
type Ticked = ReadonlySet<string>;

/**
 * The other workflows whose effects add subjects to a set the workflow serves (`routedBy`: whatever their status),
 * oldest first, each with the names of those sets. Not the db's `feedersOf` (what may still come: active or paused,
 * with subjects left).
 */
function routersOf(workflow: WorkflowView, sets: readonly SubjectSetSummary[]): { id: string; name: string; sets: string[] }[] {
  const feeders = new Map<string, { id: string; name: string; sets: string[] }>();
  for (const set of sets.filter((each) => workflow.subjectSetIds.includes(each.id))) {
    for (const { id, name } of set.routedBy.filter((feeder) => feeder.id !== workflow.id)) {
      const feeder = feeders.get(id) ?? feeders.set(id, { id, name, sets: [] }).get(id)!;
      feeder.sets.push(set.name);
    }
  }
  return [...feeders.values()];
}

/** Which workflows feed this one (`routersOf`), each a link to its page: where the subjects of a later stage come from. */
function FedBy({ workflow, sets }: { workflow: WorkflowView; sets: readonly SubjectSetSummary[] }) {
  const { t, i18n } = useTranslation();
  const feeders = routersOf(workflow, sets);
  if (!feeders.length) return null;
  return (
    <div data-testid="lab-links-fed-by">
      <p>{t('lab.links.fedByLead')}</p>
      <ul>
        {feeders.map((feeder) => (
          <li key={feeder.id}>
            <Link to={labWorkflowPath(feeder.id)}>{feeder.name}</Link> {t('lab.links.fedByInto', { sets: quotedListIn(i18n.language, t, feeder.sets) })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Which of the project's subject sets the workflow serves (and which workflows feed it through them): a box each (`ticked`, kept by the page: `onTick`), saved
 * together here or with a new version of the definition. The API takes the sets with a whole definition, so the version
 * last saved (`saved`, with its ETag) is sent again with them (the editor's unsaved text is not).
 */
export function WorkflowSubjectSets({
  workflow,
  saved,
  project,
  ticked,
  onTick,
  unsaved,
  onSaved,
}: {
  workflow: WorkflowView;
  saved: SavedDefinition;
  project: ProjectView;
  ticked: Ticked;
  onTick: (update: (ticked: Ticked) => Ticked) => void;
  unsaved: boolean;
  onSaved: (now: SavedDefinition, answer: WorkflowSaved) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.subjectSets(project.id), [client, project.id]);
  const form = useForm<never>({}, []);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const sets = [...ticked];
      const { saved: answer, etag } = await client.updateWorkflowForEdit(workflow.id, { ...saved.definition, subjectSetIds: sets }, saved.etag);
      showAccountNotice((t) => t('lab.links.saved', { count: sets.length }), labWorkflowPath(workflow.id));
      onSaved({ definition: saved.definition, etag }, answer);
    },
    refused: workflowSaveRefused,
  });
  const toggle = (id: string, on: boolean) =>
    onTick((now) => {
      const next = new Set(now);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const sets = data?.subjectSets ?? [];
  return (
    <section className="lab-section" aria-labelledby="lab-links-heading">
      <h2 id="lab-links-heading">{t('lab.links.title')}</h2>
      <ErrorAlert problem={problem ?? form.problem} focus={!problem} />
      <FedBy workflow={workflow} sets={sets} />
      {data && sets.length === 0 ? (
        <p>{t('lab.links.noSets')}</p>
      ) : (
        <form className="account-form" noValidate aria-labelledby="lab-links-heading" onSubmit={(event) => void submit(event)}>
          <fieldset className="lab-checkboxes">
            <legend>{t('lab.links.legend')}</legend>
            {sets.map((set) => (
              <label key={set.id}>
                <input type="checkbox" checked={ticked.has(set.id)} onChange={(event) => toggle(set.id, event.target.checked)} />{' '}
                {t('lab.links.set', { name: set.name, count: set.subjects })}
              </label>
            ))}
          </fieldset>
          <p className="field-hint" role="status" data-testid="lab-links-unsaved">
            {unsaved ? t('lab.links.unsaved') : ''}
          </p>
          <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
            {form.busy ? t('lab.saving') : t('lab.links.save')}
          </button>
        </form>
      )}
    </section>
  );
}
