/** Where the image viewer on screen draws its image: its size is the one the next subjects' tiles are fetched ahead at. */

interface Size {
  width: number;
  height: number;
}

let stage: HTMLElement | null = null;

/** Notes `element` as where the image on screen is drawn; returns what forgets it. */
export function showStage(element: HTMLElement): () => void {
  stage = element;
  return () => {
    if (stage === element) stage = null;
  };
}

/** The size of the image viewer on screen, where the next subject's image will show; undefined when none shows. */
export function stageSize(): Size | undefined {
  return stage && stage.clientWidth > 0 && stage.clientHeight > 0 ? { width: stage.clientWidth, height: stage.clientHeight } : undefined;
}
