import type { ChorusApiError } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';

// A data engineer's incremental copy of one subject set's rows: since= with subjectSetId gives the set's changed rows,
// and a tombstone for each subject that left the set since (a row again once it is back).
let stack: Stack;
let workflowId: string;

const page = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: `Page ${externalId}` }] });

/** The database's clock now, as a since= whose changes after it come at or after it. */
const now = async (): Promise<string> => ((await stack.db.query('SELECT clock_timestamp() AS now')).rows[0].now as Date).toISOString();

/**
 * New sets of the workflow's project linked to it, by name, each with the subjects of its externalIds (in that order);
 * those `classified` answered once. Each set's id by name, each subject's id by externalId.
 */
async function linkedSets(members: Record<string, string[]>, classified: string[] = []) {
  const { projectId, definition } = await stack.client.getWorkflow(workflowId);
  const sets: Record<string, string> = {};
  const idOf: Record<string, string> = {};
  for (const [name, externalIds] of Object.entries(members)) {
    sets[name] = (await stack.client.createSubjectSet(projectId, { name: `${name} ${randomUUID().slice(0, 8)}` })).id;
    const { subjectIds } = await stack.client.addSubjects(sets[name]!, externalIds.map(page));
    for (const [index, externalId] of externalIds.entries()) idOf[externalId] = subjectIds[index]!;
  }
  const linked = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
  await stack.client.updateWorkflow(workflowId, { ...definition, subjectSetIds: [...linked, ...Object.values(sets)] });
  const { version } = await stack.client.getWorkflow(workflowId);
  const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  for (const externalId of classified) {
    await guest.classify({ workflowId, workflowVersion: version, subjectId: idOf[externalId]!, annotations: [{ task: 'T0', value: `Page ${externalId}` }] }, randomUUID());
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'every answer aggregated');
  return { sets, idOf };
}

/** Links the workflow to exactly these sets. */
async function linkOnly(subjectSetIds: string[]) {
  await stack.client.updateWorkflow(workflowId, { ...(await stack.client.getWorkflow(workflowId)).definition, subjectSetIds });
}

type Consensus = { external_id: string; left_subject_set_at: string | null; left_workflow_at: string | null; updated_at: string };
/** What a since= consensus download of one set gives, by externalId: a row, or which tombstone (checked to be one: nothing but its ids and when). */
const consensusOf = (rows: Consensus[]) =>
  Object.fromEntries(
    rows.map((row) => {
      const filled = Object.entries(row).filter(([, value]) => value !== null).map(([column]) => column).sort();
      if (row.left_subject_set_at) {
        expect([filled, row.updated_at]).toEqual([['external_id', 'left_subject_set_at', 'subject_id', 'updated_at'], row.left_subject_set_at]);
        return [row.external_id, 'left the set'];
      }
      return [row.external_id, row.left_workflow_at ? 'left the workflow' : 'row'];
    }),
  );
const consensusSince = async (set: string, since: string) => consensusOf(JSON.parse(await stack.client.consensus(workflowId, 'json', since, undefined, undefined, set)));

/** What a since= classifications download of one set gives, by externalId: how many classifications, or its tombstone (checked as above). */
async function classificationsSince(set: string, since: string): Promise<Record<string, number | 'left the set'>> {
  const rows: (Consensus & { classification_id: string | null })[] = JSON.parse(await stack.client.classifications(workflowId, 'json', since, undefined, undefined, set));
  const given: Record<string, number | 'left the set'> = {};
  for (const row of rows) {
    if (row.left_subject_set_at) {
      const filled = Object.entries(row).filter(([, value]) => value !== null).map(([column]) => column).sort();
      expect([filled, row.updated_at, given[row.external_id]]).toEqual([['external_id', 'left_subject_set_at', 'subject_id', 'updated_at'], row.left_subject_set_at, undefined]);
      given[row.external_id] = 'left the set';
    } else given[row.external_id] = ((given[row.external_id] as number | undefined) ?? 0) + 1;
  }
  return given;
}

/** The page headings of a set's text transcriptions (`=== <externalId> ===`), in order. */
const pagesOf = async (set: string) =>
  (await stack.client.transcriptions(workflowId, 'T0', 'text', set))
    .split('\n')
    .filter((line) => line.startsWith('==='))
    .map((line) => line.slice(4, -4));

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live' });
  const first = await stack.client.createSubjectSet(project.id, { name: 'First' });
  await stack.client.addSubjects(first.id, [page('first')]);
  ({ id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Transcribe the letters',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [first.id],
  }));
  await stack.client.activateWorkflow(workflowId);
});
afterAll(() => stack.stop());

describe('a download of one subject set since a moment', () => {
  it('gives a tombstone for a subject taken out of the set, classified (kept) or not (deleted), and nothing else unchanged', async () => {
    const { sets, idOf } = await linkedSets({ letter: ['leave-1', 'leave-2', 'leave-3'] }, ['leave-1', 'leave-3']);
    const since = await now();
    await stack.client.removeSubject(sets.letter!, idOf['leave-1']!);
    await stack.client.removeSubject(sets.letter!, idOf['leave-2']!);
    expect(await consensusSince(sets.letter!, since)).toEqual({ 'leave-1': 'left the set', 'leave-2': 'left the set' });
    expect(await classificationsSince(sets.letter!, since)).toEqual({ 'leave-1': 'left the set', 'leave-2': 'left the set' });
    // Since before the set was filled: its members' rows, and the tombstones of those that left.
    expect(await consensusSince(sets.letter!, '2000-01-01')).toEqual({ 'leave-1': 'left the set', 'leave-2': 'left the set', 'leave-3': 'row' });
    expect(await classificationsSince(sets.letter!, '2000-01-01')).toEqual({ 'leave-1': 'left the set', 'leave-2': 'left the set', 'leave-3': 1 });
    // A link signed for the set opens it with since too.
    for (const kind of ['consensus', 'classifications'] as const) {
      const link = await stack.client.downloadLink(workflowId, kind, 'json', sets.letter);
      const opened = await fetch(`${stack.baseUrl}${link.url}&since=${encodeURIComponent(since)}`);
      expect(opened.status).toBe(200);
      expect(consensusOf((await opened.json()) as Consensus[])).toEqual({ 'leave-1': 'left the set', 'leave-2': 'left the set' });
    }
  });

  it('gives a subject moved to another set as a tombstone in the set it left and a row in the one it joined, in its transcriptions too', async () => {
    const { sets, idOf } = await linkedSets({ letter: ['move-1', 'move-2'], diary: ['move-3'] }, ['move-1']);
    const since = await now();
    await stack.client.addSubjects(sets.diary!, [page('move-1')]);
    await stack.client.removeSubject(sets.letter!, idOf['move-1']!);
    expect(await consensusSince(sets.letter!, since)).toEqual({ 'move-1': 'left the set' });
    expect(await consensusSince(sets.diary!, since)).toEqual({ 'move-1': 'row' });
    expect(await classificationsSince(sets.letter!, since)).toEqual({ 'move-1': 'left the set' });
    // Its classifications, older than since, come again in the set it joined.
    expect(await classificationsSince(sets.diary!, since)).toEqual({ 'move-1': 1 });
    expect([await pagesOf(sets.letter!), await pagesOf(sets.diary!)]).toEqual([['move-2'], ['move-3', 'move-1']]);
  });

  it('gives a subject that left the set and came back as a row, not a tombstone, with its classifications again', async () => {
    const { sets, idOf } = await linkedSets({ letter: ['back-1', 'back-2'] }, ['back-1', 'back-2']);
    const since = await now();
    await stack.client.removeSubject(sets.letter!, idOf['back-1']!);
    const copied = await now();
    expect(await consensusSince(sets.letter!, since)).toEqual({ 'back-1': 'left the set' });
    await stack.client.addSubjects(sets.letter!, [page('back-1')]);
    for (const from of [since, copied]) {
      expect(await consensusSince(sets.letter!, from)).toEqual({ 'back-1': 'row' });
      expect(await classificationsSince(sets.letter!, from)).toEqual({ 'back-1': 1 });
    }
  });

  it('gives a set unlinked and linked again: its members back as rows, one taken out of it meanwhile as a tombstone', async () => {
    const { sets, idOf } = await linkedSets({ kept: ['unlink-1'], box: ['unlink-2', 'unlink-3', 'unlink-4'] }, ['unlink-3', 'unlink-4']);
    const linked = (await stack.client.getWorkflow(workflowId)).subjectSetIds;
    const since = await now();
    await linkOnly(linked.filter((set) => set !== sets.box));
    // Unlinked, the set is not the workflow's to download.
    const refused = await stack.client.consensus(workflowId, 'json', since, undefined, undefined, sets.box).then(() => undefined, (error: ChorusApiError) => error);
    expect([refused?.status, refused?.problem.errors?.[0]?.pointer]).toEqual([422, '/query/subjectSetId']);
    await stack.client.removeSubject(sets.box!, idOf['unlink-4']!);
    await linkOnly(linked);
    // unlink-2, never classified, left the workflow with its row and came back; unlink-3 kept its row, retired as unlinked, and came back.
    expect(await consensusSince(sets.box!, since)).toEqual({ 'unlink-2': 'row', 'unlink-3': 'row', 'unlink-4': 'left the set' });
    expect(await classificationsSince(sets.box!, since)).toEqual({ 'unlink-4': 'left the set' });
    expect(await consensusSince(sets.kept!, since)).toEqual({});
  });
});
