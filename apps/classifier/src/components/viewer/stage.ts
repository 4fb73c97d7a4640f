/** Where the image viewer on screen draws its image: its size is the one the next subjects' tiles are fetched ahead at. */

interface Size {
  width: number;
  height: number;
}

let stage: HTMLElement | null = null;
const watchers = new Set<() => void>();

function setStage(element: HTMLElement | null): void {
  stage = element;
  for (const watcher of watchers) watcher();
}

/** Notes `element` as where the image on screen is drawn; returns what forgets it. */
export function showStage(element: HTMLElement): () => void {
  setStage(element);
  return () => {
    if (stage === element) setStage(null);
  };
}

/** Whether an image viewer is on screen, as `useSyncExternalStore` reads it with `watchStage`. */
export const stageShown = (): boolean => stage !== null;

/** Calls `onChange` each time a viewer comes on screen or goes; returns what stops it. */
export function watchStage(onChange: () => void): () => void {
  watchers.add(onChange);
  return () => watchers.delete(onChange);
}

/** The size of the image viewer on screen, where the next subject's image will show; undefined when none shows. */
export function stageSize(): Size | undefined {
  return stage && stage.clientWidth > 0 && stage.clientHeight > 0 ? { width: stage.clientWidth, height: stage.clientHeight } : undefined;
}
