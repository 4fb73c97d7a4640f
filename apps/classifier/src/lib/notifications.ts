const readListeners = new Set<() => void>();

/** Tells whoever counts the volunteer's unread notifications (the header) that some were marked read. */
export function notificationsRead(): void {
  for (const listener of readListeners) listener();
}

export function onNotificationsRead(listener: () => void): () => void {
  readListeners.add(listener);
  return () => readListeners.delete(listener);
}
