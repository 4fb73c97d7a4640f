import { describeError, type Problem } from './errors';
import { type Saying, useSaid } from './said';

/**
 * A download the browser saves to disk as the API streams it (a file of any size): each `save` asks for a new download
 * link (`link`, answering its address) and follows it, so that no link goes stale on the page; `started` is said once
 * it is asked for, `problem` why it could not be.
 */
export function useFollowedDownload() {
  const [started, setStarted] = useSaid<string>();
  const [problem, setProblem] = useSaid<Problem>();
  const save = async (link: () => Promise<string>, saying: Saying<string>) => {
    try {
      const url = await link();
      setProblem(null);
      setStarted(saying);
      window.location.assign(url);
    } catch (error) {
      setProblem(() => describeError(error));
    }
  };
  return { started, problem, save };
}
