let reloading = false;

/**
 * Reloads the page without the question a page asks before it is left while answers wait to be sent
 * (`useOutboxSender`): they are kept on this device, and a reload the page asks for itself loses none.
 */
export function reloadPage(): void {
  reloading = true;
  window.location.reload();
}

/** Whether the page is being reloaded by `reloadPage`. */
export const reloadingOnPurpose = () => reloading;
