import { type Mark, type MarkingTask, workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, changesConsensus, consensusOutcome, findRetirement, needsChecking, reduceMarking, reduceSubject } from '../src';

const definition = workflowDefinitionSchema.parse({
  name: 'Colony',
  firstTask: 'T',
  tasks: {
    T: {
      type: 'marking',
      instruction: 'Mark each penguin and box each nest',
      tools: [
        { key: 'penguin', label: 'Penguin', shape: 'point', tolerance: 10 },
        { key: 'nest', label: 'Nest', shape: 'rectangle' },
      ],
    },
  },
  retirement: { rule: 'agreement', task: 'T', minimum: 3, threshold: 0.7, maximum: 10 },
});
const task = definition.tasks.T as MarkingTask;
const penguin = (x: number, y: number): Mark => ({ tool: 'penguin', x, y });
const nest = (x: number, y: number, width = 100, height = 100): Mark => ({ tool: 'nest', x, y, width, height });

const classified = (...values: Mark[][]): ClassificationRecord[] => values.map((value, index) => ({ id: `c${index}`, annotations: [{ task: 'T', value }], countsTowardRetirement: true, volunteer: `v${index}` }));

describe('marking consensus', () => {
  it('keeps the 3 points two volunteers agree on within tolerance, at their medians, and leaves a stray out', () => {
    const consensus = reduceMarking(task, [
      [penguin(100, 100), penguin(200, 50), penguin(300, 300)],
      [penguin(104, 102), penguin(197, 51), penguin(303, 296), penguin(500, 500)],
    ]);
    expect(consensus.answer).toEqual([penguin(198.5, 50.5), penguin(102, 101), penguin(301.5, 298)]);
    expect(consensus.counts).toEqual({ penguin: 3, nest: 0 });
    expect(consensus.clusters.map((cluster) => [cluster.votes, cluster.kept])).toEqual([[2, true], [2, true], [2, true], [1, false]]);
    // The stray is marked by one of two: a share of 0.5 either way, no majority.
    expect(consensus.agreement).toBe(0.5);
    expect(consensus.lowConsensus).toBe(true);
  });

  it('leaves out points just beyond the tolerance of each other', () => {
    const consensus = reduceMarking(task, [[penguin(100, 100)], [penguin(110.5, 100)], [penguin(100, 100)]]);
    expect(consensus.answer).toEqual([penguin(100, 100)]);
    expect(consensus.clusters.map((cluster) => cluster.votes)).toEqual([2, 1]);
    expect(consensus.agreement).toBeCloseTo(2 / 3);
    expect(consensus.lowConsensus).toBe(false);
  });

  it('gathers rectangles that overlap by at least half (intersection over union), at the median corner and size', () => {
    // 100×100 boxes 20 px apart share 80×100: IoU 8000 / 12000 = 0.67; 60 px apart share 40×100: 4000 / 16000 = 0.25.
    const consensus = reduceMarking(task, [[nest(0, 0)], [nest(20, 0)], [nest(10, 0, 120, 90)], [nest(300, 300)]]);
    expect(consensus.answer).toEqual([nest(10, 0, 100, 100)]);
    expect(consensus.clusters.map((cluster) => [cluster.votes, cluster.share])).toEqual([[3, 0.75], [1, 0.25]]);
    expect(consensus.agreement).toBe(0.75);
    expect(reduceMarking(task, [[nest(0, 0)], [nest(60, 0)]]).clusters.map((cluster) => cluster.votes)).toEqual([1, 1]);
  });

  it('never puts two marks of one volunteer in one thing: a second close mark is a thing of its own', () => {
    // The first volunteer clicked twice on one penguin; the others' marks join the nearer of the two.
    const consensus = reduceMarking(task, [[penguin(100, 100), penguin(103, 100)], [penguin(101, 100)], [penguin(101.5, 100)]]);
    expect(consensus.clusters.map((cluster) => [cluster.mark.x, cluster.votes])).toEqual([[101, 3], [103, 1]]);
    expect(consensus.answer).toEqual([penguin(101, 100)]);
    // Both of the second volunteer's marks are near the first's: the farther one is a thing of its own.
    const twice = reduceMarking(task, [[penguin(100, 100)], [penguin(103, 100), penguin(101, 100)]]);
    expect(twice.clusters.map((cluster) => [cluster.mark.x, cluster.votes])).toEqual([[100.5, 2], [103, 1]]);
  });

  it('pairs a volunteer\'s marks with things nearest first, so a closer mark is not pushed out by a farther one', () => {
    // The first volunteer marked 100 and 108; the second's 101 is nearer 100, 107 nearer 108: two things of 2 each.
    const consensus = reduceMarking(task, [[penguin(100, 0), penguin(108, 0)], [penguin(107, 0), penguin(101, 0)]]);
    expect(consensus.answer).toEqual([penguin(100.5, 0), penguin(107.5, 0)]);
  });

  it('agrees fully on nothing when every answer is empty, and has no agreement without answers', () => {
    expect(reduceMarking(task, [[], [], []])).toEqual({ answer: [], agreement: 1, clusters: [], counts: { penguin: 0, nest: 0 }, lowConsensus: false });
    expect(reduceMarking(task, []).agreement).toBeNull();
    // An empty answer counts against what others marked.
    expect(reduceMarking(task, [[penguin(1, 1)], [], []]).answer).toEqual([]);
  });

  it('is the task\'s consensus: the kept marks as JSON text, ordered by tool, then y, then x; the things in its result', () => {
    const [consensus] = reduceSubject(definition, classified([nest(0, 0), penguin(50, 10)], [penguin(52, 11), nest(4, 2)], []));
    expect(consensus).toMatchObject({ task: 'T', votes: 3, algorithm: 'mark-clustering', parameters: { tolerance: { penguin: 10 }, overlap: 0.5 } });
    expect(JSON.parse(consensus!.answer!)).toEqual([penguin(51, 10.5), nest(2, 1)]);
    expect(consensus!.agreement).toBeCloseTo(2 / 3);
    expect(consensus!.result).toMatchObject({ counts: { penguin: 1, nest: 1 }, lowConsensus: false });
    expect(needsChecking(consensus!, [consensus!])).toBe(false);
  });

  it('needs checking when half the volunteers marked a thing', () => {
    const [consensus] = reduceSubject(definition, classified([penguin(50, 10)], []));
    expect(consensus!.answer).toBe('[]');
    expect(consensusOutcome(consensus)).toBe('empty_answer');
    expect(needsChecking(consensus!, [consensus!])).toBe(true);
  });

  it('retires by the agreement rule on its agreement', () => {
    const agreed = classified([penguin(50, 10)], [penguin(51, 10)], [penguin(49, 11)]);
    expect(findRetirement(definition, agreed)).toMatchObject({ decision: { retire: true }, triggeredBy: 'c2' });
    // After three, a stray marked by 1 of 3 leaves the agreement at 2/3, under 0.7; an empty fourth answer brings it to 3/4.
    const split = classified([penguin(50, 10)], [penguin(51, 10)], [penguin(49, 11), penguin(300, 300)], []);
    expect(findRetirement(definition, split)).toMatchObject({ decision: { retire: true }, triggeredBy: 'c3' });
    expect(findRetirement(definition, split.slice(0, 3)).decision.retire).toBe(false);
  });

  it('is computed again when a tool\'s shape or tolerance changes, not for its label, min or max', () => {
    const withTools = (tools: object[]) => workflowDefinitionSchema.parse({ ...definition, tasks: { T: { ...task, tools } } });
    const [point, box] = task.tools;
    expect(changesConsensus(definition, withTools([{ ...point, label: 'Adult penguin', min: 1, max: 9 }, box]))).toBe(false);
    expect(changesConsensus(definition, withTools([{ ...point, tolerance: 20 }, box]))).toBe(true);
    expect(changesConsensus(definition, withTools([point, { ...box, shape: 'point' }]))).toBe(true);
  });
});
