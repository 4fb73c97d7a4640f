import { useEffect, useRef } from 'react';

const SHORTCUTS: [keys: string, what: string][] = [
  ['1 – 9', 'Choose (or tick) the answer with that number'],
  ['Enter', 'Next task, or Done on the last one (when no field or button has a use for it)'],
  ['Ctrl + Enter', 'Next or Done from anywhere, also while typing'],
  ['U', 'Close reading: “I am not sure”'],
  ['← → (in the passage)', 'Close reading: move between words; Space marks a word as evidence'],
  ['Ctrl + Shift + 1 – 9', 'Transcription: wrap the selection in the text tag with that number'],
  ['Enter / Backspace / ↑ ↓ (in a line)', 'Transcription: new line / join with the line above / move between lines'],
  ['+ / −', 'Image: zoom in / out (Alt + the key also works while typing, as do the image keys below)'],
  ['R / Shift + R', 'Image: rotate right / left'],
  ['I', 'Image: invert the colours'],
  ['B / Shift + B', 'Image: brighter / darker'],
  ['C / Shift + C', 'Image: more / less contrast'],
  ['0', 'Image: reset zoom, rotation and colours'],
  ['← → ↑ ↓ (on the image)', 'Image: pan'],
  ['[ / ]', 'Previous / next page of a subject with several pages'],
  ['Tab, Shift + Tab', 'Move between controls, including Back'],
  ['?', 'Show this list'],
  ['Escape', 'Close this list'],
];

/** The keyboard shortcuts, in a native modal dialog: focus stays inside while open and returns on close. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      returnTo.current = document.activeElement as HTMLElement | null;
      element.showModal();
      // Start on Close, the dialog's only control, so that Enter or Space closes it at once.
      closeButton.current?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-heading"
      data-testid="shortcuts-dialog"
      onClose={() => {
        onClose();
        returnTo.current?.focus();
      }}
    >
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button ref={closeButton} type="submit" className="button button-primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
