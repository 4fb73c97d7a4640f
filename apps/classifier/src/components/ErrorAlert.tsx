import { type ReactNode, useEffect, useRef } from 'react';
import type { Problem } from '../lib/errors';

/**
 * An always-present alert region: screen readers announce a problem as soon as it is written into it. A `quiet`
 * problem (the same one again, after the page tried again by itself) is shown beside the region, not announced again.
 * Children (for instance a retry button) follow the message. With `focus`, each new problem also takes focus, as an
 * error summary of a form whose errors name no field on screen (the pointers of a workflow definition, a file's rows).
 */
export function ErrorAlert({ problem, quiet = false, focus = false, children }: { problem: Problem | null; quiet?: boolean; focus?: boolean; children?: ReactNode }) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus && problem) region.current?.focus();
  }, [focus, problem]);
  const shown = problem && (
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
  );
  return (
    <>
      <div role="alert" ref={region} tabIndex={focus ? -1 : undefined} className={problem && !quiet ? 'alert' : 'alert alert-empty'}>
        {!quiet && shown}
      </div>
      {quiet && shown && <div className="alert">{shown}</div>}
    </>
  );
}
