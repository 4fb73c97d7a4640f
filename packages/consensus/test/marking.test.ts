import { DEFAULT_POINT_TOLERANCE, type Mark, type MarkingTask, workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, WorkBudget, changesConsensus, consensusOutcome, findRetirement, needsChecking, reduceMarking, reduceSubject } from '../src';

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
    // A thing 1 of 3 marked (and one 2 of 3 did) is worth a check.
    expect(consensus.lowConsensus).toBe(true);
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

  it('is the same consensus whatever order the answers came in (and the marks within them)', () => {
    // Four volunteers around two penguins 8 px apart (tolerance 10): taking them in turn, the first answer's marks
    // seeded the things, and the medians moved as marks joined.
    const answers = [[penguin(100, 0)], [penguin(108, 0), penguin(95, 0)], [penguin(104, 0)], [penguin(112, 0), penguin(99, 0)]];
    const orders = [[0, 1, 2, 3], [1, 3, 0, 2], [3, 2, 1, 0], [2, 0, 3, 1], [1, 0, 2, 3]];
    const results = orders.map((order) => reduceMarking(task, order.map((a) => [...answers[a]!].reverse())));
    for (const result of results) expect(result).toEqual(results[0]);
    const shuffled = (seed: number) => {
      const rows = Array.from({ length: 7 }, (_, v) => Array.from({ length: 12 }, (_, m) => penguin(((m * 37 + v * 13) % 60) + (seed % 3), ((m * 11 + v * 7) % 25) * 2)));
      return rows.sort(() => 0).map((row, i) => (i % 2 ? [...row].reverse() : row));
    };
    const many = shuffled(0);
    const once = reduceMarking(task, many);
    for (const order of [[6, 5, 4, 3, 2, 1, 0], [3, 0, 6, 1, 5, 2, 4]]) expect(reduceMarking(task, order.map((v) => [...many[v]!].reverse()))).toEqual(once);
  });

  it('agrees fully on nothing when every answer is empty, and has no agreement without answers', () => {
    expect(reduceMarking(task, [[], [], []])).toEqual({ answer: [], agreement: 1, clusters: [], counts: { penguin: 0, nest: 0 }, lowConsensus: false, overBudget: false });
    expect(reduceMarking(task, []).agreement).toBeNull();
    // An empty answer counts against what others marked.
    expect(reduceMarking(task, [[penguin(1, 1)], [], []]).answer).toEqual([]);
  });

  it('is the task\'s consensus: the kept marks as JSON text, ordered by tool, then y, then x; the things in its result', () => {
    const [consensus] = reduceSubject(definition, classified([nest(0, 0), penguin(50, 10)], [penguin(52, 11), nest(4, 2)], []));
    expect(consensus).toMatchObject({ task: 'T', votes: 3, algorithm: 'mark-clustering', parameters: { tolerance: { penguin: 10 }, overlap: 0.5 } });
    expect(JSON.parse(consensus!.answer!)).toEqual([penguin(51, 10.5), nest(2, 1)]);
    expect(consensus!.agreement).toBeCloseTo(2 / 3);
    expect(consensus!.result).toMatchObject({ counts: { penguin: 1, nest: 1 }, lowConsensus: true });
    expect(needsChecking(consensus!, [consensus!])).toBe(true);
    const [unanimous] = reduceSubject(definition, classified([penguin(50, 10)], [penguin(52, 11)], [penguin(51, 10)]));
    expect(needsChecking(unanimous!, [unanimous!])).toBe(false);
  });

  it('needs checking when a third to two thirds of the volunteers marked a thing (1 or 2 of 3, 2 or 3 of 5), not 1 of 4 or 4 of 5', () => {
    const marked = (by: number, of: number) => reduceMarking(task, Array.from({ length: of }, (_, v) => (v < by ? [penguin(50, 10)] : [])));
    expect([marked(1, 3), marked(2, 3), marked(2, 5), marked(3, 5), marked(2, 4)].map((c) => c.lowConsensus)).toEqual([true, true, true, true, true]);
    expect([marked(1, 4), marked(1, 5), marked(4, 5), marked(3, 3)].map((c) => c.lowConsensus)).toEqual([false, false, false, false]);
  });

  it('keeps in its result the things 2 volunteers or more marked, and how many others there were (not every stray)', () => {
    const [consensus] = reduceSubject(definition, classified([penguin(50, 10), penguin(300, 300)], [penguin(51, 10), penguin(600, 10)], [penguin(900, 900)]));
    expect(consensus!.result.marks).toEqual([expect.objectContaining({ votes: 2, mark: penguin(50.5, 10) })]);
    expect(consensus!.result.strays).toBe(3);
    expect(consensus!.agreement).toBeCloseTo(2 / 3);
  });

  it('keeps in its result a thing kept by one volunteer\'s mark (one answer so far), not counted as a stray', () => {
    const [consensus] = reduceSubject(definition, classified([penguin(50, 10)]));
    expect(JSON.parse(consensus!.answer!)).toEqual([penguin(50, 10)]);
    expect(consensus!.result.marks).toEqual([expect.objectContaining({ votes: 1, kept: true, mark: penguin(50, 10) })]);
    expect(consensus!.result.strays).toBe(0);
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

  it('replays no more answers one by one once the subject\'s work budget is spent: the rule is asked of them all at once', () => {
    const agreed = classified([penguin(50, 10)], [penguin(51, 10)], [penguin(49, 11)], [penguin(50, 11)], [penguin(50, 12)]);
    expect(findRetirement(definition, agreed, { work: new WorkBudget(5) })).toMatchObject({ decision: { retire: true }, triggeredBy: 'c2' });
    const spent = new WorkBudget(5, 0);
    expect(() => spent.spend(1)).toThrow();
    expect(findRetirement(definition, agreed, { work: spent })).toMatchObject({ decision: { retire: true }, triggeredBy: 'c4' });
  });

  it('takes 300 answers of 500 rectangles each (no spread of a huge list into Math.max or Math.min)', () => {
    const values = Array.from({ length: 300 }, (_, v) => Array.from({ length: 500 }, (_, m) => nest(((v * 500 + m) % 400) * 50, Math.floor((v * 500 + m) / 400) * 50, 10, 10)));
    const consensus = reduceMarking(task, values, { budget: new WorkBudget(300, 0) });
    expect(consensus.overBudget).toBe(true);
    expect(consensus.clusters).toHaveLength(150_000);
    expect(consensus.agreement).toBeCloseTo(299 / 300);
  });

  it('is computed again when a tool\'s shape or tolerance changes, not for its label, min or max', () => {
    const withTools = (tools: object[]) => workflowDefinitionSchema.parse({ ...definition, tasks: { T: { ...task, tools } } });
    const [point, box] = task.tools;
    expect(changesConsensus(definition, withTools([{ ...point, label: 'Adult penguin', min: 1, max: 9 }, box]))).toBe(false);
    expect(changesConsensus(definition, withTools([{ ...point, tolerance: 20 }, box]))).toBe(true);
    expect(changesConsensus(definition, withTools([point, { ...box, shape: 'point' }]))).toBe(true);
    // A tolerance left out is the default written out: the same grouping.
    const { tolerance: _, ...unset } = point!;
    expect(changesConsensus(withTools([unset, box]), withTools([{ ...unset, tolerance: DEFAULT_POINT_TOLERANCE }, box]))).toBe(false);
    expect(changesConsensus(withTools([unset, box]), withTools([{ ...unset, tolerance: 31 }, box]))).toBe(true);
  });
});
