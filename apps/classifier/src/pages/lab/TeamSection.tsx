import { ADMINISTRATOR_ROLES, GIVEN_ROLES, type InvitationView, isProblem, type MemberView, type ProjectRole, type ProjectView } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AskFirst, type Asked } from '../../components/AskFirst';
import { FormField, SelectField } from '../../components/FormField';
import { LabTable } from '../../components/LabTable';
import { LoadedList } from '../../components/LoadedList';
import { ResultNotice } from '../../components/ResultNotice';
import { checkEmail, showAccountNotice } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { invitationRefused, roleChangeRefused, teamChangeRefused } from '../../lib/lab';
import { ACCOUNT, LAB, Link, navigate } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';
import type { Saying } from '../../lib/said';
import { whenInWords } from '../../lib/formats';

/** What the section does with a change: the answer to say, and whether the caller's own role changed with it. */
type Changed = (text: Saying<string>, ownRole?: boolean) => void;
/** Reads the team again: after a refusal that says it changed since the page read it. */
type Reload = () => void;

/** The team section's heading, which a link from a workflow's page (`#` it) focuses. */
export const PROJECT_TEAM_HEADING = 'lab-team-heading';

/**
 * Who works on the project, in which role, and the invitations waiting for an answer. Its owner and collaborators
 * (as the API allows) change roles, remove members, invite and withdraw invitations; the owner alone hands the project
 * over; any other member may leave. Handing over, removing, leaving and withdrawing are asked about in the page first.
 * Each answer is said, focused, at the top of the section.
 */
export function TeamSection({ project, userId, onOwnRoleChanged }: { project: ProjectView; userId: string; onOwnRoleChanged: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const members = useLoaded(() => client.members(project.id), [client, project.id]);
  const invitations = useLoaded(() => client.invitations(project.id), [client, project.id]);
  const [result, say] = useResult();
  const administrator = project.role !== null && ADMINISTRATOR_ROLES.includes(project.role);
  const reload: Reload = () => {
    members.reload();
    invitations.reload();
  };
  // Come from a workflow's page to see who does what: the keyboard (and the view) starts at the team.
  useEffect(() => {
    if (window.location.hash === `#${PROJECT_TEAM_HEADING}`) document.getElementById(PROJECT_TEAM_HEADING)?.focus();
  }, []);
  const changed: Changed = (text, ownRole = false) => {
    say(text);
    reload();
    if (ownRole) onOwnRoleChanged();
  };
  const listed = members.data?.members ?? [];
  return (
    <section className="lab-section" aria-labelledby={PROJECT_TEAM_HEADING}>
      <h2 id={PROJECT_TEAM_HEADING} tabIndex={-1}>
        {t('lab.team.title')}
      </h2>
      <p>{administrator ? t('lab.team.lead') : t('lab.team.leadReadOnly')}</p>
      {/* Its administrators read who does what at the role they choose (the fields' hint). */}
      {!administrator && <p data-testid="lab-team-roles">{t('lab.team.roles')}</p>}
      <ResultNotice result={result} testId="lab-team-result" />
      <LoadedList items={members.data?.members ?? null} problem={members.problem} reload={members.reload} loading={t('lab.team.loading')} empty={t('lab.team.none')}>
        {(shown) => <MemberTable project={project} members={shown} userId={userId} administrator={administrator} changed={changed} reload={reload} />}
      </LoadedList>
      {administrator && listed.some((member) => member.role !== 'owner' && member.email) && (
        <RoleForm project={project} members={listed} userId={userId} changed={changed} reload={reload} />
      )}
      <h3 id="lab-invitations-heading">{t('lab.team.invitations.title')}</h3>
      <LoadedList items={invitations.data?.invitations ?? null} problem={invitations.problem} reload={invitations.reload} loading={t('lab.team.loading')} empty={t('lab.team.invitations.none')}>
        {(shown) => <InvitationTable projectId={project.id} invitations={shown} administrator={administrator} changed={changed} reload={reload} />}
      </LoadedList>
      {administrator && <InviteForm projectId={project.id} changed={changed} />}
    </section>
  );
}

function MemberTable({
  project,
  members,
  userId,
  administrator,
  changed,
  reload,
}: { project: ProjectView; members: MemberView[]; userId: string; administrator: boolean; changed: Changed; reload: Reload }) {
  const { t } = useTranslation();
  const client = useClient();
  const removal = useForm<never>({}, []);
  const [asking, setAsking] = useState<MemberView | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const remove = (member: MemberView) =>
    removal.onSubmit({
      check: () => ({}),
      send: async () => {
        setAsking(null);
        await client.removeMember(project.id, member.userId);
        if (member.userId !== userId) return changed((t) => t('lab.team.removed', { name: member.displayName }));
        // Gone from the project: its lab page is no longer the caller's.
        navigate(LAB);
        showAccountNotice((t) => t('lab.team.left', { title: project.title }), LAB);
      },
      refused: (error, t, again) => {
        if (!again) reload();
        return teamChangeRefused(error, '/params/userId', t('lab.team.removedMeanwhile', { name: member.displayName }));
      },
    });
  return (
    <>
      <ErrorAlert problem={removal.problem} focus />
      <LabTable data-testid="lab-members">
        <thead>
          <tr>
            <th scope="col">{t('lab.team.member')}</th>
            <th scope="col">{t('lab.team.email')}</th>
            <th scope="col">{t('lab.team.role')}</th>
            <th scope="col">{t('lab.team.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            const you = member.userId === userId;
            const removable = member.role !== 'owner' && (you || administrator);
            return (
              <tr key={member.userId} data-user-id={member.userId}>
                <th scope="row">{you ? t('lab.team.you', { name: member.displayName }) : member.displayName}</th>
                <td>{member.email}</td>
                <td>{t(`account.settings.invitations.roles.${member.role}`)}</td>
                <td>
                  {removable && (
                    <button
                      type="button"
                      className="button button-secondary"
                      aria-disabled={removal.busy || undefined}
                      onClick={(event) => {
                        opener.current = event.currentTarget;
                        setAsking(member);
                      }}
                    >
                      {you ? t('lab.team.leave') : t('lab.team.remove', { name: member.displayName })}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </LabTable>
      {asking && (
        <AskFirst
          key={asking.userId}
          asked={removalQuestion(asking, asking.userId === userId, project.title, t)}
          busy={removal.busy}
          onConfirm={(event) => void remove(asking)(event)}
          onCancel={() => {
            setAsking(null);
            opener.current?.focus();
          }}
        />
      )}
    </>
  );
}

/** What removing a member asks: leaving, when the member is the caller. */
function removalQuestion(member: MemberView, you: boolean, title: string, t: TFunction): Asked {
  if (you) {
    return { testId: 'lab-leave-question', question: t('lab.team.leaving.question', { title }), hint: t('lab.team.leaving.hint'), confirm: t('lab.team.leave'), cancel: t('lab.team.leaving.cancel') };
  }
  const name = member.displayName;
  return {
    testId: 'lab-remove-question',
    question: member.email ? t('lab.team.removal.questionWithEmail', { name, email: member.email, title }) : t('lab.team.removal.question', { name, title }),
    hint: t('lab.team.removal.hint'),
    confirm: t('lab.team.remove', { name }),
    cancel: t('lab.team.removal.cancel', { name }),
  };
}

const ROLE_FIELDS = ['email', 'role'] as const;

/**
 * A member's new role, the member chosen by name (the API finds them by email). `owner`, offered to the owner only,
 * hands the project over: the page asks first, saying what it means, and sends nothing until confirmed.
 */
function RoleForm({ project, members, userId, changed, reload }: { project: ProjectView; members: MemberView[]; userId: string; changed: Changed; reload: Reload }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ email: '', role: '' }, ROLE_FIELDS);
  const [handingOver, setHandingOver] = useState<MemberView | null>(null);
  const roleField = useRef<HTMLSelectElement | null>(null);
  const changeable = members.filter((member): member is MemberView & { email: string } => member.role !== 'owner' && member.email !== null);
  const chosen = changeable.find((member) => member.email === form.values.email);
  const roles: ProjectRole[] = project.role === 'owner' ? [...GIVEN_ROLES, 'owner'] : [...GIVEN_ROLES];
  // A question about another choice than the one on screen is not asked any more.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the values are the trigger
  useEffect(() => setHandingOver(null), [form.values.email, form.values.role]);

  const change = (confirmed: boolean) =>
    form.onSubmit({
      check: (t) => {
        if (!chosen) return { email: t('lab.team.change.memberMissing') };
        if (!form.values.role) return { role: t('lab.team.change.roleMissing') };
        if (form.values.role === chosen.role) return { role: t('lab.team.change.same', { name: chosen.displayName, role: t(`account.settings.invitations.roles.${chosen.role}`) }) };
        return {};
      },
      send: async () => {
        const member = chosen!;
        const role = form.values.role as ProjectRole;
        if (role === 'owner' && !confirmed) return setHandingOver(member);
        setHandingOver(null);
        await client.setMember(project.id, { email: member.email, role });
        form.reset();
        if (role === 'owner') changed((t) => t('lab.team.handOver.done', { name: member.displayName, title: project.title }), true);
        else changed((t) => t('lab.team.change.done', { name: member.displayName, role: t(`account.settings.invitations.roles.${role}`) }), member.userId === userId);
      },
      refused: (error, _t, again) => {
        const problem = roleChangeRefused(error);
        if (problem.fields.email && !again) reload();
        return problem;
      },
    });
  const { inputRef, ...roleProps } = form.field('role');
  return (
    <>
      <h3 id="lab-role-heading">{t('lab.team.change.title')}</h3>
      <ErrorAlert problem={form.problem} focus />
      <form className="account-form" noValidate aria-labelledby="lab-role-heading" onSubmit={(event) => void change(false)(event)}>
        <SelectField id="lab-role-member" label={t('lab.team.change.member')} {...form.field('email')}>
          <option value="">{t('lab.team.change.choose')}</option>
          {changeable.map((member) => (
            <option key={member.userId} value={member.email}>
              {t('lab.team.change.memberOption', { name: member.displayName, email: member.email, role: t(`account.settings.invitations.roles.${member.role}`) })}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="lab-role-role"
          label={t('lab.team.change.role')}
          hint={t('lab.team.roles')}
          inputRef={(select) => {
            roleField.current = select;
            inputRef(select);
          }}
          {...roleProps}
        >
          <option value="">{t('lab.team.change.choose')}</option>
          {roles.map((role) => (
            <option key={role} value={role}>
              {role === 'owner' ? t('lab.team.change.ownerOption') : t(`account.settings.invitations.roles.${role}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.saving') : t('lab.team.change.submit')}
        </button>
      </form>
      {handingOver && (
        <AskFirst
          asked={{
            testId: 'lab-hand-over',
            question: t('lab.team.handOver.question', { name: handingOver.displayName, title: project.title }),
            hint: t('lab.team.handOver.hint', { name: handingOver.displayName }),
            confirm: t('lab.team.handOver.confirm', { name: handingOver.displayName }),
            cancel: t('lab.team.handOver.cancel'),
          }}
          busy={form.busy}
          onConfirm={(event) => void change(true)(event)}
          onCancel={() => {
            setHandingOver(null);
            roleField.current?.focus();
          }}
        />
      )}
    </>
  );
}

function InvitationTable({
  projectId,
  invitations,
  administrator,
  changed,
  reload,
}: { projectId: string; invitations: InvitationView[]; administrator: boolean; changed: Changed; reload: Reload }) {
  const { t } = useTranslation();
  const client = useClient();
  const withdrawal = useForm<never>({}, []);
  const [asking, setAsking] = useState<InvitationView | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const withdraw = (invitation: InvitationView) =>
    withdrawal.onSubmit({
      check: () => ({}),
      send: async () => {
        setAsking(null);
        await client.withdrawInvitation(projectId, invitation.email);
        changed((t) => t('lab.team.invitations.withdrawn', { email: invitation.email }));
      },
      refused: (error, t, again) => {
        if (!again) reload();
        return teamChangeRefused(error, '/params/email', t('lab.team.invitations.answeredMeanwhile', { email: invitation.email }));
      },
    });
  return (
    <>
      <ErrorAlert problem={withdrawal.problem} focus />
      <LabTable data-testid="lab-invitations" aria-labelledby="lab-invitations-heading">
        <thead>
          <tr>
            <th scope="col">{t('lab.team.email')}</th>
            <th scope="col">{t('lab.team.role')}</th>
            <th scope="col">{t('lab.team.invitations.invitedAt')}</th>
            {administrator && <th scope="col">{t('lab.team.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {invitations.map((invitation) => (
            <tr key={invitation.email} data-email={invitation.email}>
              <th scope="row">{invitation.email}</th>
              <td>{t(`account.settings.invitations.roles.${invitation.role}`)}</td>
              <td>{whenInWords(invitation.invitedAt, 'date')}</td>
              {administrator && (
                <td>
                  <button
                    type="button"
                    className="button button-secondary"
                    aria-disabled={withdrawal.busy || undefined}
                    onClick={(event) => {
                      opener.current = event.currentTarget;
                      setAsking(invitation);
                    }}
                  >
                    {t('lab.team.invitations.withdraw', { email: invitation.email })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </LabTable>
      {asking && (
        <AskFirst
          key={asking.email}
          asked={{
            testId: 'lab-withdraw-question',
            question: t('lab.team.invitations.withdrawal.question', { email: asking.email }),
            hint: t('lab.team.invitations.withdrawal.hint'),
            confirm: t('lab.team.invitations.withdrawal.confirm'),
            cancel: t('lab.team.invitations.withdrawal.cancel'),
          }}
          busy={withdrawal.busy}
          onConfirm={(event) => void withdraw(asking)(event)}
          onCancel={() => {
            setAsking(null);
            opener.current?.focus();
          }}
        />
      )}
    </>
  );
}

/** An invitation by email in a role: Chorus mails it, and whoever signs in with that email joins once they accept. */
function InviteForm({ projectId, changed }: { projectId: string; changed: Changed }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ email: '', role: 'scientist' }, ROLE_FIELDS);
  // Invitations are mailed in the sender's name: until their own email is verified, their account's page is where to go.
  const [unverified, setUnverified] = useState(false);
  const email = form.values.email.trim();
  const submit = form.onSubmit({
    check: () => {
      const emailError = checkEmail(email);
      return emailError ? { email: emailError } : {};
    },
    send: async () => {
      const sent = await client.invite(projectId, { email, role: form.values.role as (typeof GIVEN_ROLES)[number] });
      form.reset();
      changed((t) => t('lab.team.invite.sent', { email: sent.email, role: t(`account.settings.invitations.roles.${sent.role}`) }));
    },
    refused: (error) => {
      setUnverified(isProblem(error, 'email-unverified'));
      return invitationRefused(error, email);
    },
  });
  return (
    <>
      <h3 id="lab-invite-heading">{t('lab.team.invite.title')}</h3>
      <p>{t('lab.team.invite.lead')}</p>
      <ErrorAlert problem={form.problem} focus>
        {unverified && form.problem && <Link to={ACCOUNT}>{t('lab.team.invite.yourAccount')}</Link>}
      </ErrorAlert>
      <form className="account-form" noValidate aria-labelledby="lab-invite-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="lab-invite-email" type="email" inputMode="email" autoCapitalize="none" spellCheck={false} autoComplete="off" label={t('lab.team.email')} {...form.field('email')} />
        <SelectField id="lab-invite-role" label={t('lab.team.role')} hint={t('lab.team.roles')} {...form.field('role')}>
          {GIVEN_ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`account.settings.invitations.roles.${role}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy ? t('lab.team.invite.sending') : t('lab.team.invite.submit')}
        </button>
      </form>
    </>
  );
}
