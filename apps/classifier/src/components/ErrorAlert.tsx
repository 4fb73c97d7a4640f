import { type ReactNode, useEffect, useRef } from 'react';
import type { Problem } from '../lib/errors';

/**
 * An always-present alert region: screen readers announce a problem as soon as it is written into it.
 * Children (for instance a retry button) follow the message. With `focus`, each new problem also takes focus, as an
 * error summary of a form whose errors name no field on screen (the pointers of a workflow definition, a file's rows).
 */
export function ErrorAlert({ problem, focus = false, children }: { problem: Problem | null; focus?: boolean; children?: ReactNode }) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus && problem) region.current?.focus();
  }, [focus, problem]);
  return (
    <div role="alert" ref={region} tabIndex={focus ? -1 : undefined} className={problem ? 'alert' : 'alert alert-empty'}>
      {problem && (
        <>
          <p className="alert-detail">{problem.detail}</p>
          {problem.fields.length > 0 && (
            <ul className="alert-fields">
              {problem.fields.map((field) => (
                <li key={field}>{field}</li>
              ))}
            </ul>
          )}
          {children}
        </>
      )}
    </div>
  );
}
