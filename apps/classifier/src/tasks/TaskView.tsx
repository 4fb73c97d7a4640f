import { componentFor } from './registry';
import type { TaskProps } from './types';

/** Renders a task through the registry, or says plainly that its type is not supported yet. */
export function TaskView(props: TaskProps) {
  const Component = componentFor(props.task);
  if (!Component) {
    return (
      <p className="task-unsupported" data-task-type={props.task.type}>
        This task type is not supported yet
      </p>
    );
  }
  return <Component {...props} />;
}
