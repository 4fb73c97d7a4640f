import type { ProjectView, PublishedResult } from '@chorus/client';
import type { WorkflowDefinition } from '@chorus/tasks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { useWorkflowDefinitions } from '../lib/useVersionDefinitions';
import { describeValue, describeWrittenAnswer, promptOf } from '../tasks/registry';

type PublishedTask = PublishedResult['tasks'][string];

/** The answer a task settles on, in words: a review's where one replaced the consensus; none for a tie. */
function settledInWords(task: PublishedTask, definition: WorkflowDefinition | 'unreadable', key: string, t: ReturnType<typeof useTranslation>['t']): string | null {
  const described = definition === 'unreadable' ? undefined : definition.tasks[key];
  if (task.reviewed) return described ? describeValue(described, task.reviewed.value, t) : JSON.stringify(task.reviewed.value);
  if (task.answer === null) return null;
  return described ? describeWrittenAnswer(described, task.answer, t) : task.answer;
}

/**
 * A subject's results, as its project publishes them (`resultsPublic`), asked once: for each workflow of the project
 * that publishes the subject (finished and paused ones too), each task's answer in words. Nothing at all where none is
 * published (an empty list), nor where the request fails: a volunteer has nothing to do about it here.
 */
export function PublishedResults({ project, subjectId }: { project: ProjectView; subjectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [results, setResults] = useState<PublishedResult[]>([]);
  useEffect(() => {
    setResults([]);
    if (!project.resultsPublic) return;
    let cancelled = false;
    client.publishedResults(project.id, subjectId).then(
      (answer) => {
        if (!cancelled) setResults(answer.results);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, project, subjectId]);
  const versions = useMemo(
    () => results.flatMap((result) => [...new Set(Object.values(result.tasks).map((task) => task.workflowVersion))].map((workflowVersion) => ({ workflowId: result.workflowId, workflowVersion }))),
    [results],
  );
  const definitionOf = useWorkflowDefinitions(versions);
  const shown = results.flatMap((result) => {
    const answers = Object.entries(result.tasks).flatMap(([key, task]) => {
      const definition = definitionOf(result.workflowId, task.workflowVersion);
      if (!definition) return [];
      const answer = settledInWords(task, definition, key, t);
      const described = definition === 'unreadable' ? undefined : definition.tasks[key];
      return answer === null ? [] : [{ key, prompt: described ? promptOf(described) : key, answer }];
    });
    return answers.length ? [{ workflowId: result.workflowId, name: result.workflowName, answers }] : [];
  });
  if (!shown.length) return null;
  /** Several workflows retired it: each result under its workflow's name. */
  const named = shown.length > 1;
  return (
    <section className="published-results" aria-labelledby="published-results-heading" data-testid="published-results">
      <h2 id="published-results-heading">{t('talk.result.title')}</h2>
      <p>{t('talk.result.lead')}</p>
      {shown.map(({ workflowId, name, answers }) => (
        <div key={workflowId} lang={project.language}>
          {named && <h3>{name}</h3>}
          <dl className="recent-answers">
            {answers.map(({ key, prompt, answer }) => (
              <div key={key}>
                <dt>{prompt}</dt>
                <dd>{answer}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}
