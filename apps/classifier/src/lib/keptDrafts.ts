/**
 * Unsaved edits of the lab's forms, kept in this browser's storage (`chorus.lab.<form>.<id>`) while they differ from
 * what is saved, so that a reload, Back or a link away loses none; removed once saved or put back. Where storage is
 * refused (or full) the edit lives in the page only. `read` turns what is stored back into a draft (null: none).
 */
export function keptDrafts<T>(form: string, read: (kept: string) => T | null) {
  const key = (id: string) => `chorus.lab.${form}.${id}`;
  return {
    read(id: string): T | null {
      try {
        const kept = window.localStorage.getItem(key(id));
        return kept === null ? null : read(kept);
      } catch {
        return null;
      }
    },
    /** Keeps the draft, or (null) forgets it. */
    keep(id: string, draft: T | null): void {
      try {
        if (draft === null) window.localStorage.removeItem(key(id));
        else window.localStorage.setItem(key(id), JSON.stringify(draft));
      } catch {
        // Storage full or refused: the edit lives in the page only.
      }
    },
  };
}
