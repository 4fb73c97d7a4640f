import { ChorusApiError } from '@chorus/client';

/** The API's 422 refusal of an upload, naming each field as given (`/subjects/0/locations/0/url` and its message). */
export const uploadRefused = (errors: { pointer: string; message: string }[]): ChorusApiError =>
  new ChorusApiError(422, { type: 'urn:chorus:problem:validation-failed', title: 'Validation failed', status: 422, detail: `The request has ${errors.length} invalid field(s).`, errors });
