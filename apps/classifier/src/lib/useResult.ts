import { type ReactNode, useCallback, useState } from 'react';
import type { Saying } from './said';

/** What the last action of a section did, numbered so that the same words said again are a new answer. */
export interface Result {
  /** Said in the interface's language as it is shown (again after a switch of language). */
  text: Saying<ReactNode>;
  n: number;
}

/** The answer a section shows to its last action, and `say`, which shows a new one (null: none). */
export function useResult(): [Result | null, (text: Saying<ReactNode> | null) => void] {
  const [result, setResult] = useState<Result | null>(null);
  const say = useCallback((text: Saying<ReactNode> | null) => setResult((now) => (text === null ? null : { text, n: (now?.n ?? 0) + 1 })), []);
  return [result, say];
}
