import { describeError, type Problem } from './errors';
import { type Saying, useSaid } from './said';

/**
 * A download the browser saves to disk as the API streams it (a file of any size): each `save` asks for a new download
 * link (`link`, answering its address) and follows it, so that no link goes stale on the page; `started` is said once
 * it is asked for, `problem` why it could not be (an earlier save's problem gone as it asks, its `started` once it fails).
 */
export function useFollowedDownload() {
  const [started, setStarted] = useSaid<string>();
  const [problem, setProblem] = useSaid<Problem>();
  const save = async (link: () => Promise<string>, saying: Saying<string>) => {
    setProblem(null);
    try {
      const url = await link();
      setStarted(saying);
      window.location.assign(url);
    } catch (error) {
      setStarted(null);
      setProblem(() => describeError(error));
    }
  };
  return { started, problem, save };
}
