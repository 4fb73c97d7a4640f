import { useRef, useState } from 'react';
import { describeError, type Problem } from './errors';
import { type Saying, useSaid } from './said';

/**
 * A download the browser saves to disk as the API streams it (a file of any size): each `save` asks for a new download
 * link (`link`, answering its address) and follows it, so that no link goes stale on the page; `started` is said once
 * it is asked for, `problem` why it could not be (an earlier save's problem gone as it asks, its `started` once it fails).
 * `busy` while the link is asked for: a save meanwhile (a second click) is ignored, so one click makes one download.
 */
export function useFollowedDownload() {
  const [started, setStarted] = useSaid<string>();
  const [problem, setProblem] = useSaid<Problem>();
  const [busy, setBusy] = useState(false);
  // Read at once, where the state would still be the render's: a second click before the re-render finds it set.
  const asking = useRef(false);
  const save = async (link: () => Promise<string>, saying: Saying<string>) => {
    if (asking.current) return;
    asking.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const url = await link();
      setStarted(saying);
      window.location.assign(url);
    } catch (error) {
      setStarted(null);
      setProblem(() => describeError(error));
    } finally {
      asking.current = false;
      setBusy(false);
    }
  };
  return { started, problem, save, busy };
}
