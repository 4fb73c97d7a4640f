import { mostTasksPerSubject, reachableTasks, type TutorialStep, type WorkflowDefinition } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import { promptOf } from '../tasks/registry';
import type { KeysNamed } from './touchOnly';

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

/** A step of the tutorial shown: the researchers' words (`researchers`, marked with their project's language), or the interface's. */
export type ShownStep = TutorialStep & { researchers?: boolean };

/**
 * The researchers' tutorial when the workflow has one; otherwise one made from the workflow: what happens, each
 * task's help, and where help and shortcuts are (on a touch-only device, with no keys to press, naming none).
 */
export function tutorialSteps(definition: WorkflowDefinition, t: TFunction, keys: KeysNamed): ShownStep[] {
  if (definition.tutorial?.length) return definition.tutorial.map((step) => ({ ...step, researchers: true }));
  const tasks = reachableTasks(definition).map((key) => definition.tasks[key]!);
  const helped = tasks.flatMap((task) => (task.help ? [{ title: promptOf(task), body: task.help, researchers: true }] : []));
  const count = mostTasksPerSubject(definition);
  return [
    { title: t('tutorial.welcomeTitle'), body: keys === 'touch' ? t('tutorial.welcomeBodyTouch', { count }) : t('tutorial.welcomeBody', { count }) },
    ...helped,
    { title: t('tutorial.helpTitle'), body: helpBody(t, keys) },
  ];
}

/** Where help and shortcuts are, in the words for how the volunteer works the page (keys written out for the catalogue's check). */
function helpBody(t: TFunction, keys: KeysNamed): string {
  if (keys === 'touch') return t('tutorial.helpBodyTouch');
  return keys === 'singleKeys' ? t('tutorial.helpBody') : t('tutorial.helpBodyNoKeys');
}
