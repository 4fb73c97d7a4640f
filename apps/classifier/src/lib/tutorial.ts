import { mostTasksPerSubject, reachableTasks, type TutorialStep, type WorkflowDefinition } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import { promptOf } from '../tasks/registry';

const PREFIX = 'chorus.tutorialSeen.';

/** Whether this browser's volunteer has seen (and closed) the tutorial of a workflow. */
export function tutorialSeen(workflowId: string): boolean {
  try {
    return window.localStorage.getItem(PREFIX + workflowId) !== null;
  } catch {
    return false; // storage disabled: showing the tutorial again is the safe side
  }
}

export function markTutorialSeen(workflowId: string): void {
  try {
    window.localStorage.setItem(PREFIX + workflowId, new Date().toISOString());
  } catch {
    // storage disabled or full: it shows again next time
  }
}

/**
 * The researchers' tutorial when the workflow has one; otherwise one made from the workflow: what happens, each
 * task's help, and where help and shortcuts are.
 */
export function tutorialSteps(definition: WorkflowDefinition, t: TFunction, singleKeys: boolean): TutorialStep[] {
  if (definition.tutorial?.length) return definition.tutorial;
  const tasks = reachableTasks(definition).map((key) => definition.tasks[key]!);
  const helped = tasks.flatMap((task) => (task.help ? [{ title: promptOf(task), body: task.help }] : []));
  return [
    { title: t('tutorial.welcomeTitle'), body: t('tutorial.welcomeBody', { count: mostTasksPerSubject(definition) }) },
    ...helped,
    { title: t('tutorial.helpTitle'), body: singleKeys ? t('tutorial.helpBody') : t('tutorial.helpBodyNoKeys') },
  ];
}
