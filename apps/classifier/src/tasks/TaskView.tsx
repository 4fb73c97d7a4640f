import { type RefObject, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadedPart } from '../components/LoadedPart';
import { ignoreStrayTaps } from '../lib/strayTaps';
import { componentFor } from './registry';
import type { TaskProps } from './types';

/**
 * Renders a task through the registry (waiting for a lazily loaded one), or says plainly that its type is not
 * supported yet. `onShown` gets the task's element once its controls are on screen. Mount with `key` = the task's key.
 * A tap that lands on a task just come on screen, the second of a double tap on Next or Done, answers nothing, nor
 * one on its `buttons` (Next, Back, Done) goes on or back again (`ignoreStrayTaps`; `onStrayTap` is told): the one place
 * for every task type.
 */
export function TaskView({
  onShown,
  buttons,
  onStrayTap,
  ...props
}: TaskProps & { onShown(element: HTMLElement | null): void; buttons: RefObject<HTMLElement | null>; onStrayTap(): void }) {
  const { t } = useTranslation();
  const body = useRef<HTMLDivElement>(null);
  const Component = componentFor(props.task);
  if (!Component) {
    return (
      <p className="task-unsupported" data-task-type={props.task.type}>
        {t('tasks.unsupported')}
      </p>
    );
  }
  return (
    <LoadedPart fallback={<p className="loading">{t('tasks.loading')}</p>}>
      <div ref={body}>
        <Component {...props} />
      </div>
      {/* After the element above: React attaches its ref before this sibling's layout effect runs. */}
      <Shown
        run={() => {
          onShown(body.current);
          return ignoreStrayTaps(body.current, buttons, onStrayTap);
        }}
      />
    </LoadedPart>
  );
}

/** Calls `run` when it is committed, that is together with the task beside it (after it has loaded); what it returns, as it goes. */
function Shown({ run }: { run(): () => void }) {
  const latest = useRef(run);
  latest.current = run;
  useLayoutEffect(() => latest.current(), []);
  return null;
}
