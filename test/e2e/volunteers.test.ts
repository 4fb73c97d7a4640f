import { type Stack, startStack } from '../support/stack';
import { classifyUntilFinished } from '../support/volunteers';

const SUBJECTS = 50;
const GUESTS = 3;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** A volunteer who is right three times in four: deterministic, so the test can compute the majority itself. */
function answerOf(guest: number, externalId: string): 'yes' | 'no' {
  const index = Number(externalId.split('-')[1]);
  const truth = index % 2 === 0 ? 'yes' : 'no';
  const wrong = (index * 7 + guest * 3) % 4 === 0;
  return wrong ? (truth === 'yes' ? 'no' : 'yes') : truth;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('three guests classify 50 subjects to retirement, each consensus the majority, none served twice', async () => {
  const project = await stack.client.createProject({ title: 'Ad or not, end to end', status: 'live' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Snippets' });
  const subjects = Array.from({ length: SUBJECTS }, (_, i) => ({
    externalId: `snippet-${i}`,
    locations: [{ type: 'text' as const, text: `Snippet number ${i}: TO BE SOLD, a coach.`, highlights: [[0, 7]] as [number, number][] }],
  }));
  expect(await stack.client.addSubjects(set.id, subjects)).toMatchObject({ created: SUBJECTS, existing: 0 });
  const workflow = await stack.client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    // A plurality vote: under `bayes` (two answers' default) the run on completion weighs the three by the skills
    // learned from their answers, which can overturn a majority.
    tasks: { T0: { type: 'single', question: 'Is this an advertisement?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 3 },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflow.id);

  const guests = await Promise.all(Array.from({ length: GUESTS }, async () => stack.anonymous.withToken((await stack.anonymous.guest()).token)));
  const runs = await Promise.all(guests.map((client, guest) => classifyUntilFinished(client, workflow.id, (subject) => answerOf(guest, subject.externalId!))));

  for (const run of runs) {
    expect(new Set(run.served).size).toBe(run.served.length);
    expect(run.served).toHaveLength(SUBJECTS);
    expect(run.reason).toBeDefined();
  }

  const stats = await waitFor(async () => {
    const current = await stack.client.stats(workflow.id);
    return current.retired === SUBJECTS ? current : undefined;
  }, 'every subject to retire', 60_000);
  expect(stats).toEqual({ subjects: SUBJECTS, retired: SUBJECTS, goldStandard: 0, held: 0, classifications: SUBJECTS * GUESTS, volunteers: GUESTS, draftTries: 0, reaggregating: false, asOf: expect.any(String) });

  const rows = (await stack.client.consensus(workflow.id, { format: 'ndjson' })).trim().split('\n').map((line) => JSON.parse(line));
  expect(rows).toHaveLength(SUBJECTS);
  for (const row of rows) {
    const votes = [0, 1, 2].map((guest) => answerOf(guest, row.external_id));
    const yes = votes.filter((vote) => vote === 'yes').length;
    expect(row).toMatchObject({ retired: true, retirement_reason: 'count', classification_count: 3, T0_votes: 3, T0_answer: yes >= 2 ? 'yes' : 'no', T0_agreement: Math.max(yes, 3 - yes) / 3 });
  }

  const after = await guests[0]!.queue(workflow.id);
  expect(after).toMatchObject({ finished: true, subjects: [], reason: 'workflow-finished' });
  // 8 s alone; a CI run beside browser suites once took over 30 s (Jest's default), so time is not what this checks.
}, 120_000);
