import { useEffect } from 'react';

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

/**
 * While `ask`, closing or leaving the page asks first (the browser's words), unless the page reloads itself on purpose
 * (`reloadPage`): answers waiting to be sent, an upload whose parts are going out. `returnValue` for browsers older
 * than Chrome 119 and Safari 17.
 */
export function useAskBeforeLeaving(ask: boolean): void {
  useEffect(() => {
    if (!ask) return;
    const askFirst = (event: BeforeUnloadEvent) => {
      if (reloadingOnPurpose()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', askFirst);
    return () => window.removeEventListener('beforeunload', askFirst);
  }, [ask]);
}
