import { type ReactNode, useCallback, useState } from 'react';

/** What the last action of a section did, numbered so that the same words said again are a new answer. */
export interface Result {
  text: ReactNode;
  n: number;
}

/** The answer a section shows to its last action, and `say`, which shows a new one (null: none). */
export function useResult(): [Result | null, (text: ReactNode | null) => void] {
  const [result, setResult] = useState<Result | null>(null);
  const say = useCallback((text: ReactNode | null) => setResult((now) => (text === null ? null : { text, n: (now?.n ?? 0) + 1 })), []);
  return [result, say];
}
