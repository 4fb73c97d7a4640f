/** The researcher's help text for one task, folded away until asked for. */
export function TaskHelp({ help }: { help: string | undefined }) {
  if (!help) return null;
  return (
    <details className="task-help">
      <summary>Need some help with this task?</summary>
      <p>{help}</p>
    </details>
  );
}
