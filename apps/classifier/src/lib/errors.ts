import { ChorusApiError } from '@chorus/client';
import { i18n } from '../i18n';

/** What a volunteer is told when something fails: the API's problem detail, or a plain explanation. */
export interface Problem {
  detail: string;
  fields: string[];
}

export function describeError(error: unknown): Problem {
  if (error instanceof ChorusApiError) {
    const detail = error.problem?.detail || error.problem?.title || i18n.t('errors.status', { status: error.status });
    const fields = (error.problem?.errors ?? []).map((field) => (field.pointer ? `${field.pointer}: ${field.message}` : field.message));
    return { detail, fields };
  }
  if (error instanceof TypeError) {
    return { detail: i18n.t('errors.unreachable'), fields: [] };
  }
  if (error instanceof SyntaxError) {
    return { detail: i18n.t('errors.unreadable'), fields: [] };
  }
  return { detail: error instanceof Error ? error.message : String(error), fields: [] };
}
