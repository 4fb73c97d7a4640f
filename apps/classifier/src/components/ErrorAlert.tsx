import type { ReactNode } from 'react';
import type { Problem } from '../lib/errors';

/**
 * An always-present alert region: screen readers announce a problem as soon as it is written into it.
 * Children (for instance a retry button) follow the message.
 */
export function ErrorAlert({ problem, children }: { problem: Problem | null; children?: ReactNode }) {
  return (
    <div role="alert" className={problem ? 'alert' : 'alert alert-empty'}>
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
