import { HIDDEN_TAG_LIMITS, type HiddenTag, type TagProposal, type TagProposalPage, type WorkflowView } from '@chorus/client';
import { type Ref, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LabTable } from '../../components/LabTable';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { describeError, type Problem } from '../../lib/errors';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';
import { whenInWords } from '../../lib/formats';
import { markTagProposalsSeen, tagProposalsSeenUntil } from '../../lib/tagProposalsSeen';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { useSaid } from '../../lib/said';
import { ShowMore } from '../../components/ShowMore';

/** A subject whose proposals alone the section lists, and its name. */
export interface TagsOfSubject {
  subjectId: string;
  name: string;
}

interface Props {
  workflow: WorkflowView;
  /** Only this subject's proposals (chosen from a report), or every subject's. */
  subject: TagsOfSubject | null;
  onAllSubjects(): void;
  /** The section's heading, which takes focus when a report asks for one subject's tags. */
  headingRef: Ref<HTMLHeadingElement>;
}

/** A tag of a proposal to hide, with the subject it was proposed for and where its button is. */
interface Hiding {
  proposal: TagProposal;
  tag: string;
  opener: HTMLButtonElement;
}

/**
 * The tags volunteers proposed in the workflow's tagging tasks, the most recent answer first (or one subject's), each
 * with a way to hide it from later volunteers with a reason, or when it was hidden and a way to show it again; once
 * the moderator has looked before in this browser, a way to list only those proposed since. For the workflow's
 * moderators and researchers.
 */
export function TagProposalsSection({ workflow, subject, onAllSubjects, headingRef }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const subjectId = subject?.subjectId;
  /** Where the moderator stopped at their last look, as it was when the page opened (this look moves it on). */
  const [lastLook] = useState(() => tagProposalsSeenUntil(workflow.id));
  const [onlyNew, setOnlyNew] = useState(false);
  const since = onlyNew && !subject && lastLook ? lastLook : undefined;
  const { data, problem, reload } = useLoaded(() => client.tagProposals(workflow.id, { subjectId, since }), [client, workflow.id, subjectId, since]);
  const newest = subject ? undefined : data?.proposals[0]?.proposedAt;
  useEffect(() => {
    if (newest) markTagProposalsSeen(workflow.id, newest);
  }, [workflow.id, newest]);
  /** The pages after the first, asked for with "Show more" since it was read. */
  const [more, setMore] = useState<Pick<TagProposalPage, 'proposals' | 'next'> | null>(null);
  const [moreProblem, setMoreProblem] = useSaid<Problem>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `data` is the trigger: a new read of the first page starts the list again
  useEffect(() => setMore(null), [data]);
  const [hiding, setHiding] = useState<Hiding | null>(null);
  const [showProblem, setShowProblem] = useSaid<Problem>();
  const [result, say] = useResult();
  const proposals = [...(data?.proposals ?? []), ...(more?.proposals ?? [])];
  const next = more ? more.next : data?.next;
  const name = (proposal: TagProposal) => proposal.externalId ?? proposal.subjectId;

  const showMore = async () => {
    try {
      const page = await client.tagProposals(workflow.id, { subjectId, since, after: next ?? undefined });
      setMoreProblem(null);
      setMore({ proposals: [...(more?.proposals ?? []), ...page.proposals], next: page.next });
    } catch (error) {
      setMoreProblem(() => describeError(error));
    }
  };

  /** Shows a hidden tag to later volunteers again (as shown already, if someone did meanwhile): no question asked, hiding it again is as easy. */
  const showAgain = async (proposal: TagProposal, tag: string) => {
    try {
      await client.unhideTag(workflow.id, { subjectId: proposal.subjectId, task: proposal.task, tag });
      setShowProblem(null);
      say((t) => t('lab.tags.shown', { tag, subject: name(proposal) }));
      reload();
    } catch (error) {
      setShowProblem(() => describeError(error));
    }
  };

  return (
    <section className="lab-section" aria-labelledby="lab-tags-heading">
      <h2 id="lab-tags-heading" tabIndex={-1} ref={headingRef}>
        {t('lab.tags.title')}
      </h2>
      <p>{t('lab.tags.lead')}</p>
      {subject && (
        <p className="lab-actions">
          <span data-testid="lab-tags-subject">{t('lab.tags.ofSubject', { subject: subject.name })}</span>
          <button type="button" className="button button-secondary button-small" onClick={onAllSubjects} data-testid="lab-tags-all">
            {t('lab.tags.allSubjects')}
          </button>
        </p>
      )}
      {!subject && lastLook && (
        <label className="lab-checkbox">
          <input type="checkbox" id="lab-tags-only-new" checked={onlyNew} onChange={(event) => setOnlyNew(event.target.checked)} />{' '}
          {t('lab.tags.onlyNew', { when: whenInWords(lastLook) })}
        </label>
      )}
      <ErrorAlert problem={problem ?? moreProblem ?? showProblem} />
      <ResultNotice result={result} testId="lab-tags-result" />
      {data && proposals.length === 0 && <p>{since ? t('lab.tags.noneNew') : t('lab.tags.none')}</p>}
      {proposals.length > 0 && (
        <LabTable data-testid="lab-tag-proposals" aria-labelledby="lab-tags-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.tags.subject')}</th>
              <th scope="col">{t('lab.tags.task')}</th>
              <th scope="col">{t('lab.tags.tags')}</th>
              <th scope="col">{t('lab.tags.when')}</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((proposal) => (
              <tr key={`${proposal.classificationId}-${proposal.task}`} data-classification-id={proposal.classificationId}>
                <th scope="row">{name(proposal)}</th>
                <td>{proposal.task}</td>
                <td>
                  <ul className="lab-proposed-tags">
                    {proposal.tags.map(({ tag, hidden, shownAgain }) => (
                      <li key={tag} data-tag={tag}>
                        <span className="lab-proposed-tag">{tag}</span>{' '}
                        {!hidden && shownAgain && (
                          <>
                            <span className="muted">
                              {shownAgain.reason
                                ? t('lab.tags.shownAgainWhy', { when: whenInWords(shownAgain.shownAgainAt), reason: shownAgain.reason })
                                : t('lab.tags.shownAgainAt', { when: whenInWords(shownAgain.shownAgainAt) })}
                            </span>{' '}
                          </>
                        )}
                        {hidden ? (
                          <>
                            <span className="muted">
                              {hidden.reason ? t('lab.tags.hiddenWhy', { when: whenInWords(hidden.hiddenAt), reason: hidden.reason }) : t('lab.tags.hidden', { when: whenInWords(hidden.hiddenAt) })}
                            </span>{' '}
                            <button
                              type="button"
                              className="button button-secondary button-small"
                              aria-label={t('lab.tags.showAgainLabel', { tag, subject: name(proposal) })}
                              onClick={() => void showAgain(proposal, tag)}
                            >
                              {t('lab.tags.showAgain')}
                            </button>
                          </>
                        ) : (
                          <button
                            type="button"
                            className="button button-secondary button-small"
                            aria-label={t('lab.tags.hideLabel', { tag, subject: name(proposal) })}
                            onClick={(event) => setHiding({ proposal, tag, opener: event.currentTarget })}
                          >
                            {t('lab.tags.hide')}
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{whenInWords(proposal.proposedAt)}</td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      <ShowMore next={next} onMore={showMore} label={t('lab.tags.more')} />
      {hiding && (
        <HideTag
          key={`${hiding.proposal.classificationId}-${hiding.tag}`}
          workflowId={workflow.id}
          hiding={hiding}
          name={name(hiding.proposal)}
          onHidden={(hidden) => {
            const text = { tag: hiding.tag, subject: name(hiding.proposal) };
            say((t) => (hidden.replayed ? t('lab.tags.hiddenAlready', text) : t('lab.tags.done', text)));
            setHiding(null);
            reload();
          }}
          onCancel={() => {
            setHiding(null);
            hiding.opener.focus();
          }}
        />
      )}
    </section>
  );
}

/** Hides one proposed tag of a subject from later volunteers, with a reason kept for the record (optional). */
function HideTag({ workflowId, hiding, name, onHidden, onCancel }: { workflowId: string; hiding: Hiding; name: string; onHidden(hidden: HiddenTag & { replayed: boolean }): void; onCancel(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ reason: '' }, ['reason'] as const);
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const { subjectId, task } = hiding.proposal;
      onHidden(await client.hideTag(workflowId, { subjectId, task, tag: hiding.tag, reason: form.values.reason.trim() || undefined }));
    },
    refused: (error) => problemAtFields(error, ['reason'] as const),
  });
  return (
    <InlineQuestion question={t('lab.tags.question', { tag: hiding.tag, subject: name })} hint={t('lab.tags.questionHint')} className="confirm-empty" testId="lab-tag-hide" onCancel={onCancel}>
      {(questionId) => (
        <form className="account-form" noValidate aria-labelledby={questionId} onSubmit={(event) => void submit(event)}>
          <ErrorAlert problem={form.problem} focus />
          <FormField id="lab-tag-hide-reason" label={t('lab.tags.reason')} hint={t('lab.tags.reasonHint')} maxLength={HIDDEN_TAG_LIMITS.reasonLength} {...form.field('reason')} />
          <SubmitOrCancel submit={t('lab.tags.hideConfirm', { tag: hiding.tag })} cancel={t('lab.tags.keep')} busy={form.busy} onCancel={onCancel} />
        </form>
      )}
    </InlineQuestion>
  );
}
