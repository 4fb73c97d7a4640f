import type { VolunteerSkill, WorkflowView } from '@chorus/client';
import { skillWeightedTasks } from '@chorus/tasks';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { useClient } from '../../lib/clientContext';
import { useLoaded } from '../../lib/useLoaded';
import { describeWrittenAnswer, promptOf } from '../../tasks/registry';
import { ExcludeVolunteer } from './ExcludedVolunteers';
import { VolunteerInWords, agreementInWords } from './SubjectResultParts';

/**
 * A `bayes` workflow's volunteers' skills as the worker learned them, a table per task, the least accurate first, so
 * that a researcher finds careless volunteers; nothing for a workflow whose current version weighs no task by skill.
 */
export function VolunteerSkillsSection({ workflow }: { workflow: WorkflowView }) {
  const tasks = skillWeightedTasks(workflow.definition);
  if (!tasks.length) return null;
  return <VolunteerSkills workflow={workflow} tasks={tasks} />;
}

function VolunteerSkills({ workflow, tasks }: { workflow: WorkflowView; tasks: string[] }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.skills(workflow.id), [client, workflow.id]);
  return (
    <section className="lab-section" aria-labelledby="lab-skills-heading" data-testid="lab-skills">
      <h2 id="lab-skills-heading">{t('lab.skills.title')}</h2>
      <p>{t('lab.skills.lead')}</p>
      <p>{t('lab.skills.rules')}</p>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {data === null
        ? !problem && (
            <p className="loading" role="status">
              {t('lab.skills.loading')}
            </p>
          )
        : tasks.map((task) => <TaskSkills key={task} workflow={workflow} task={task} skills={data.skills.filter((skill) => skill.task === task)} />)}
    </section>
  );
}

/** One task's volunteers, as the API orders them (the least accurate first). */
function TaskSkills({ workflow, task, skills }: { workflow: WorkflowView; task: string; skills: VolunteerSkill[] }) {
  const { t, i18n } = useTranslation();
  const definition = workflow.definition.tasks[task]!;
  const named = t('lab.result.taskNamed', { task, prompt: promptOf(definition) });
  if (!skills.length) return <p data-testid={`lab-skills-none-${task}`}>{t('lab.skills.none', { task: named })}</p>;
  const percent = (share: number) => agreementInWords(share, i18n.language);
  // The true answers in the order the task offers them; one it no longer offers last.
  const offered = definition.type === 'single' ? definition.answers.map((answer) => answer.value) : [];
  const rightWhen = ({ confusion }: VolunteerSkill) =>
    [...offered.filter((answer) => confusion[answer]), ...Object.keys(confusion).filter((answer) => !offered.includes(answer))]
      .map((truth) => t('lab.skills.rightWhen', { answer: describeWrittenAnswer(definition, truth, t), share: percent(confusion[truth]![truth] ?? 0) }))
      .join('; ');
  return (
    <LabTable data-testid={`lab-skills-${task}`}>
      <caption>{t('lab.skills.caption', { task: named })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('lab.result.volunteer')}</th>
          <th scope="col">{t('lab.skills.accuracy')}</th>
          <th scope="col">{t('lab.skills.byAnswer')}</th>
          <th scope="col">{t('lab.skills.answers')}</th>
          <th scope="col">{t('lab.skills.gold')}</th>
          <th scope="col">{t('lab.excluded.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {skills.map((skill) => (
          <tr key={skill.volunteerId} data-volunteer-id={skill.volunteerId}>
            <th scope="row">
              <VolunteerInWords classification={skill} />
            </th>
            <td>{percent(skill.accuracy)}</td>
            <td>{rightWhen(skill)}</td>
            <td>{skill.answers}</td>
            <td>{skill.gold ? t('lab.skills.goldAgreed', { agreed: skill.gold.agreed, count: skill.gold.answers }) : t('lab.skills.noGold')}</td>
            <td>
              <ExcludeVolunteer projectId={workflow.projectId} volunteer={skill} />
            </td>
          </tr>
        ))}
      </tbody>
    </LabTable>
  );
}
