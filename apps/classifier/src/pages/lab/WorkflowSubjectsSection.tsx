import { RETIREMENT_LIMITS, type RetirementInput, type SubjectSetSummary, type SubjectsRetired, type SubjectsUnretired, type WorkflowView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField, SelectField, TextAreaField } from '../../components/FormField';
import { ResultNotice } from '../../components/ResultNotice';
import { useClient } from '../../lib/clientContext';
import { listedPriorities, subjectsRefused } from '../../lib/lab';
import { listedSubjects, type SentLists, subjectNamed, subjectsNamed } from '../../lib/subjectLists';
import { useForm } from '../../lib/useForm';
import { useLinkedSets } from '../../lib/useLinkedSets';
import { useResult } from '../../lib/useResult';

/**
 * Subjects by hand: retired (a torn page, a duplicate) or returned to volunteers, with the reason, by a list or a whole
 * subject set of the workflow; and their priorities, which only `priority` selection follows. Each answer is said,
 * focused, and the workflow's progress read again (`onChanged`).
 */
export function WorkflowSubjectsSection({ workflow, onChanged }: { workflow: WorkflowView; onChanged: () => void }) {
  const { t } = useTranslation();
  const linked = useLinkedSets(workflow);
  return (
    <section className="lab-section" aria-labelledby="lab-subjects-heading">
      <h2 id="lab-subjects-heading">{t('lab.subjects.title')}</h2>
      <RetirementForm workflow={workflow} linked={linked} onChanged={onChanged} />
      <PrioritiesForm workflow={workflow} onChanged={onChanged} />
    </section>
  );
}

const RETIREMENT_FIELDS = ['which', 'subjects', 'set', 'reason'] as const;
/** When the workflow's progress is read again after unretiring subjects with answers, which the worker weighs anew. */
const RULE_REAPPLIED_READ_AGAIN_MS = 3_000;
type Which = 'listed' | 'set';

/** Retire, or return to volunteers, the subjects listed (or a whole set), with the reason kept for the record. */
function RetirementForm({ workflow, linked, onChanged }: { workflow: WorkflowView; linked: SubjectSetSummary[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [result, say] = useResult();
  const form = useForm({ which: 'listed', subjects: '', set: '', reason: '' }, RETIREMENT_FIELDS);
  const which = form.values.which as Which;
  const set = linked.find((candidate) => candidate.id === form.values.set);

  const act = (action: 'retire' | 'unretire') => {
    let sent: SentLists = {};
    let named = 0;
    return form.onSubmit({
      check: (t) => {
        const listed = listedSubjects(form.values.subjects);
        return {
          ...(which === 'set' && !set ? { set: t('lab.subjects.setMissing') } : {}),
          ...(which === 'listed' && !listed.length ? { subjects: t('lab.subjects.listMissing') } : {}),
          ...(which === 'listed' && listed.length > RETIREMENT_LIMITS.subjectsAtOnce ? { subjects: t('lab.subjects.tooMany', { count: RETIREMENT_LIMITS.subjectsAtOnce }) } : {}),
          ...(form.values.reason.trim() ? {} : { reason: t('lab.subjects.reasonMissing') }),
        };
      },
      send: async () => {
        say(null);
        const reason = form.values.reason.trim();
        let chosen: RetirementInput;
        if (which === 'set') {
          sent = {};
          chosen = { subjectSetId: set!.id, reason };
        } else {
          const listed = listedSubjects(form.values.subjects);
          const { subjectIds, externalIds, sent: lists } = subjectsNamed(listed);
          sent = lists;
          named = listed.length;
          chosen = { ...(subjectIds.length ? { subjectIds } : {}), ...(externalIds.length ? { externalIds } : {}), reason };
        }
        if (action === 'retire') {
          const retired = await client.retireSubjects(workflow.id, chosen);
          say(() => <RetiredAnswer {...retired} reason={reason} />);
        } else {
          const unretired = await client.unretireSubjects(workflow.id, chosen);
          say(() => <UnretiredAnswer {...unretired} named={which === 'listed' ? named : null} />);
          // The worker applies the rule to their answers again within moments: the progress is read again after it.
          if (unretired.ruleReapplied) setTimeout(onChanged, RULE_REAPPLIED_READ_AGAIN_MS);
        }
        onChanged();
      },
      refused: (error) => subjectsRefused(error, sent, 'subjects', { '/reason': 'reason', '/subjectSetId': 'set' }),
    });
  };
  const retire = act('retire');
  const unretire = act('unretire');
  return (
    <>
      <h3 id="lab-retire-heading">{t('lab.subjects.retireTitle')}</h3>
      <p>{t('lab.subjects.retireLead')}</p>
      <ResultNotice result={result} testId="lab-retire-result" />
      <ErrorAlert problem={form.problem} focus />
      <form
        className="account-form"
        noValidate
        aria-labelledby="lab-retire-heading"
        // Two submit buttons: the one pressed says what to do (Enter in a field presses the first, Retire).
        onSubmit={(event) => void ((event.nativeEvent as SubmitEvent).submitter?.dataset.action === 'unretire' ? unretire : retire)(event)}
      >
        <fieldset className="lab-checkboxes">
          <legend>{t('lab.subjects.which')}</legend>
          {(['listed', 'set'] as const).map((option) => (
            <label key={option}>
              <input type="radio" name="lab-retire-which" value={option} checked={which === option} disabled={option === 'set' && !linked.length} onChange={() => form.setValue('which', option)} />{' '}
              {option === 'listed' ? t('lab.subjects.whichListed') : t('lab.subjects.whichSet')}
            </label>
          ))}
        </fieldset>
        {which === 'listed' ? (
          <TextAreaField id="lab-retire-subjects" label={t('lab.subjects.list')} hint={t('lab.subjects.listHint')} rows={5} spellCheck={false} autoCapitalize="none" {...form.field('subjects')} />
        ) : (
          <SelectField id="lab-retire-set" label={t('lab.subjects.set')} {...form.field('set')}>
            <option value="">{t('lab.subjects.chooseSet')}</option>
            {linked.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {t('lab.links.set', { name: candidate.name, count: candidate.subjects })}
              </option>
            ))}
          </SelectField>
        )}
        <FormField id="lab-retire-reason" label={t('lab.subjects.reason')} hint={t('lab.subjects.reasonHint')} maxLength={RETIREMENT_LIMITS.reasonLength} {...form.field('reason')} />
        <div className="lab-actions">
          <button type="submit" data-action="retire" className="button button-primary" aria-disabled={form.busy || undefined}>
            {t('lab.subjects.retire')}
          </button>
          <button type="submit" data-action="unretire" className="button button-secondary" aria-disabled={form.busy || undefined}>
            {t('lab.subjects.unretire')}
          </button>
        </div>
      </form>
    </>
  );
}

/** How many subjects a retirement retired, with the reason recorded, and how many of those named (or of the set) were retired already. */
function RetiredAnswer({ retired, leftGoldStandard, alreadyRetired, reason }: SubjectsRetired & { reason: string }) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('lab.subjects.retired', { count: retired })}</p>
      {retired ? <p>{t('lab.subjects.reasonKept', { count: retired, reason })}</p> : null}
      {alreadyRetired ? <p>{t('lab.subjects.retiredAlready', { count: alreadyRetired })}</p> : null}
      {leftGoldStandard ? <p>{t('lab.subjects.leftGoldStandard', { count: leftGoldStandard })}</p> : null}
    </>
  );
}

/**
 * How many subjects went back to volunteers; of a list, how many were not retired, and how many a moderator had
 * retired; of a set, how many could not, and how many it left retired by moderation; and the sets this workflow's
 * effects had moved them into.
 */
function UnretiredAnswer({ unretired, leftRetired, leftModerated, moderatedUnretired, ruleReapplied, routedInto, named }: SubjectsUnretired & { named: number | null }) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('lab.subjects.unretired', { count: unretired })}</p>
      {ruleReapplied ? <p>{t('lab.subjects.ruleReapplied', { count: ruleReapplied })}</p> : null}
      {routedInto?.length ? (
        <>
          <p>{t('lab.subjects.routedInto')}</p>
          <ul>
            {routedInto.map((set) => (
              <li key={set.subjectSetId}>{t('lab.subjects.routedIntoSet', { name: set.name, count: set.subjects })}</li>
            ))}
          </ul>
        </>
      ) : null}
      {named !== null && unretired < named && <p>{t('lab.subjects.notRetired', { count: named - unretired })}</p>}
      {leftRetired ? <p>{t('lab.subjects.leftRetired', { count: leftRetired })}</p> : null}
      {leftModerated ? <p>{t('lab.subjects.leftModerated', { count: leftModerated })}</p> : null}
      {moderatedUnretired ? <p>{t('lab.subjects.moderatedUnretired', { count: moderatedUnretired })}</p> : null}
    </>
  );
}

/**
 * Priorities, a subject and a number on each line: volunteers get the lowest first, but only when the workflow serves
 * its subjects in `priority` order, which the section says (the API keeps them under another order, for later).
 */
function PrioritiesForm({ workflow, onChanged }: { workflow: WorkflowView; onChanged: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [result, say] = useResult();
  const form = useForm({ priorities: '' }, ['priorities'] as const);
  const { order } = workflow.definition.selection;
  let sent: SentLists = {};
  const submit = form.onSubmit({
    check: (t) => {
      const { listed, errors } = listedPriorities(form.values.priorities);
      if (errors.length) return { priorities: errors.join(' ') };
      if (!listed.length) return { priorities: t('lab.subjects.priorities.missing') };
      if (listed.length > RETIREMENT_LIMITS.subjectsAtOnce) return { priorities: t('lab.subjects.tooMany', { count: RETIREMENT_LIMITS.subjectsAtOnce }) };
      return {};
    },
    send: async () => {
      say(null);
      const { listed } = listedPriorities(form.values.priorities);
      sent = { priorities: listed };
      const answer = await client.setPriorities(
        workflow.id,
        listed.map((entry) => ({ ...subjectNamed(entry), priority: entry.priority })),
      );
      say((t) => (
        <>
          <p>{t('lab.subjects.priorities.done', { count: answer.updated })}</p>
          {answer.warnings?.length ? <p>{t('lab.subjects.priorities.waiting', { order: t(`lab.subjects.orders.${order}`) })}</p> : null}
        </>
      ));
      onChanged();
    },
    refused: (error) => subjectsRefused(error, sent, 'priorities', {}),
  });
  return (
    <>
      <h3 id="lab-priorities-heading">{t('lab.subjects.priorities.title')}</h3>
      <p data-testid="lab-priorities-order">
        {order === 'priority' ? t('lab.subjects.priorities.inEffect') : t('lab.subjects.priorities.notInEffect', {
              order: t(`lab.subjects.orders.${order}`),
              selection: t('lab.definitionForm.fields.selection'),
              orderField: t('lab.definitionForm.fields.order'),
              byPriority: t('lab.definitionForm.options.order.priority'),
            })}
      </p>
      <ResultNotice result={result} testId="lab-priorities-result" />
      <ErrorAlert problem={form.problem} focus />
      <form className="account-form" noValidate aria-labelledby="lab-priorities-heading" onSubmit={(event) => void submit(event)}>
        <TextAreaField id="lab-priorities" label={t('lab.subjects.priorities.label')} hint={t('lab.subjects.priorities.hint')} rows={5} spellCheck={false} autoCapitalize="none" {...form.field('priorities')} />
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.subjects.priorities.submit')}
        </button>
      </form>
    </>
  );
}
