/** How long sending an answer may take, on screen and from the device's outbox (no imports: tests read them too). */

/** How long one sending of a waiting answer may take before it counts as failed (and is tried again later). */
export const SUBMIT_TIMEOUT_MS = 15_000;
/**
 * How long a volunteer waits on "Submitting…" before the answer joins those waiting on the device and the next subject
 * shows: the outbox goes on sending it, under the same idempotency key, so a slow network (a phone on a train) holds
 * up the answer, not the volunteer.
 */
export const ON_SCREEN_SUBMIT_MS = 5_000;
/** How long a sign-in or sign-out waits for waiting answers to be sent before going on (they are kept either way). */
export const SEND_FIRST_MS = 5_000;
/** While answers wait on the device, they are tried again this often (and at once when the browser comes online). */
export const OUTBOX_RETRY_MS = 15_000;
/** How long a change of the account's language, or of its display, waits for the one before it to be answered (so that the last choice is kept). */
export const LANGUAGE_SEND_MS = 5_000;
