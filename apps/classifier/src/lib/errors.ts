import { ChorusApiError } from '@chorus/client';

/** What a volunteer is told when something fails: the API's problem detail, or a plain explanation. */
export interface Problem {
  detail: string;
  fields: string[];
}

export function describeError(error: unknown): Problem {
  if (error instanceof ChorusApiError) {
    const detail = error.problem?.detail || error.problem?.title || `The server answered ${error.status}.`;
    const fields = (error.problem?.errors ?? []).map((field) => (field.pointer ? `${field.pointer}: ${field.message}` : field.message));
    return { detail, fields };
  }
  if (error instanceof TypeError) {
    return { detail: 'Chorus could not reach its server. Check your connection and try again.', fields: [] };
  }
  if (error instanceof SyntaxError) {
    return { detail: 'The server sent an answer Chorus could not read. Try again in a moment.', fields: [] };
  }
  return { detail: error instanceof Error ? error.message : String(error), fields: [] };
}
