import { refusal } from '../../../test/support/requests';
import { randomUUID } from 'node:crypto';
import { csvTable } from '../../../test/support/csv';
import { type Stack, startStack } from '../../../test/support/stack';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { activeTranscriptionWorkflow } from '../../../test/support/workflows';

// A data engineer's incremental copy of one subject set's rows: since= with subjectSetId gives the set's changed rows,
// and a tombstone for each subject that left the set since (a row again once it is back).
let stack: Stack;
let workflowId: string;

const page = (externalId: string) => ({ externalId, locations: [{ type: 'text' as const, text: `Page ${externalId}` }], metadata: { folio: externalId } });

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
const consensusSince = async (set: string, since: string, workflow = workflowId) => consensusOf(JSON.parse(await stack.client.consensus(workflow, { format: 'json', since, subjectSetId: set })));

/** What a since= classifications download of one set gives, by externalId: how many classifications, or its tombstone (checked as above). */
async function classificationsSince(set: string, since: string, workflow = workflowId): Promise<Record<string, number | 'left the set'>> {
  const rows: (Consensus & { classification_id: string | null })[] = JSON.parse(await stack.client.classifications(workflow, { format: 'json', since, subjectSetId: set }));
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
  (await stack.client.transcriptions(workflowId, { task: 'T0', format: 'text', subjectSetId: set }))
    .split('\n')
    .filter((line) => line.startsWith('==='))
    .map((line) => line.slice(4, -4));

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Letters ${randomUUID().slice(0, 8)}`, status: 'live' });
  const first = await stack.client.createSubjectSet(project.id, { name: 'First' });
  await stack.client.addSubjects(first.id, [page('first')]);
  workflowId = await activeTranscriptionWorkflow(stack.client, project.id, first.id);
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
      const link = await stack.client.downloadLink(workflowId, { kind, format: 'json', subjectSetId: sets.letter });
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
    await refusal(stack.client.consensus(workflowId, { format: 'json', since, subjectSetId: sets.box }), { status: 422, pointers: ['/query/subjectSetId'] });
    await stack.client.removeSubject(sets.box!, idOf['unlink-4']!);
    await linkOnly(linked);
    // unlink-2, never classified, left the workflow with its row and came back; unlink-3 kept its row, retired as unlinked, and came back.
    expect(await consensusSince(sets.box!, since)).toEqual({ 'unlink-2': 'row', 'unlink-3': 'row', 'unlink-4': 'left the set' });
    expect(await classificationsSince(sets.box!, since)).toEqual({ 'unlink-4': 'left the set' });
    expect(await consensusSince(sets.kept!, since)).toEqual({});
  });

  it('gives a tombstone for a subject routing took out of the set (its effect undone), in the download of the workflow the set feeds', async () => {
    const project = await stack.client.createProject({ title: `Routing ${randomUUID().slice(0, 8)}`, status: 'live' });
    const [pages, letters] = await Promise.all(['Pages', 'Letters'].map((name) => stack.client.createSubjectSet(project.id, { name })));
    const { subjectIds } = await stack.client.addSubjects(pages!.id, [page('weak'), page('strong')]);
    const yesNo = { T0: { type: 'single' as const, question: 'A letter?', algorithm: 'vote' as const, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } };
    const effect = (agreementAtLeast: number) => [{ when: { task: 'T0', answer: 'yes', agreementAtLeast }, addToSubjectSet: letters!.id }];
    const definition = { name: 'Letter or not?', firstTask: 'T0', tasks: yesNo, retirement: { rule: 'count' as const, count: 3 }, subjectSetIds: [pages!.id], effects: effect(0.5) };
    const screen = await stack.client.createWorkflow(project.id, definition);
    const transcribe = await stack.client.createWorkflow(project.id, { name: 'Transcribe', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type the page' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [letters!.id] });
    await stack.client.activateWorkflow(screen.id);
    await stack.client.activateWorkflow(transcribe.id);
    // "weak": 2 of 3 say it is a letter; "strong": 3 of 3. Both routed into Letters, which Transcribe serves.
    for (const [index, values] of [['yes', 'yes', 'no'], ['yes', 'yes', 'yes']].entries()) {
      for (const value of values) {
        const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
        await guest.classify({ workflowId: screen.id, workflowVersion: 1, subjectId: subjectIds[index]!, annotations: [{ task: 'T0', value }] }, randomUUID());
      }
    }
    await until(async () => (await stack.db.query('SELECT 1 FROM subject_set_members WHERE subject_set_id = $1', [letters!.id])).rowCount === 2, 'the routing into Letters');
    const since = await now();
    // A new version asks for more agreement: routing takes "weak" out of Letters (leaveRoutedSets, removeFromSubjectSet).
    const updated = await stack.client.updateWorkflow(screen.id, { ...definition, effects: effect(0.9) });
    await until(async () => (await stack.client.reaggregation(screen.id, updated.reaggregation!.id)).state === 'completed', 'the new version’s re-aggregation');
    expect(await consensusSince(letters!.id, since, transcribe.id)).toEqual({ weak: 'left the set' });
    expect(await classificationsSince(letters!.id, since, transcribe.id)).toEqual({ weak: 'left the set' });
    expect(await consensusSince(letters!.id, '2000-01-01', transcribe.id)).toEqual({ weak: 'left the set', strong: 'row' });
  });

  it('gives the tombstones after the rows in externalId order, in CSV (left_subject_set_at after every other column but the metadata’s: after the answers and a transcription’s asked_for_check) and with metadata=columns', async () => {
    const { sets, idOf } = await linkedSets({ letter: ['order-10', 'order-2', 'order-1', 'order-3'] }, ['order-10', 'order-2', 'order-1', 'order-3']);
    await stack.client.removeSubject(sets.letter!, idOf['order-3']!);
    await stack.client.removeSubject(sets.letter!, idOf['order-2']!);
    const since = '2000-01-01T00:00:00.000Z';
    const names = (rows: Consensus[]) => rows.map((row) => (row.left_subject_set_at ? `${row.external_id} left` : row.external_id));
    const rowsThenTombstones = ['order-1', 'order-10', expect.stringMatching(/^order-[23] left$/), expect.stringMatching(/^order-[23] left$/)];
    const sorted: Consensus[] = JSON.parse(await stack.client.consensus(workflowId, { format: 'json', since, sort: 'externalId', subjectSetId: sets.letter }));
    expect(names(sorted)).toEqual(rowsThenTombstones);
    expect(consensusOf(sorted)).toEqual({ 'order-1': 'row', 'order-10': 'row', 'order-2': 'left the set', 'order-3': 'left the set' });
    const classified: Consensus[] = JSON.parse(await stack.client.classifications(workflowId, { format: 'json', since, sort: 'externalId', subjectSetId: sets.letter }));
    expect(names(classified)).toEqual(rowsThenTombstones);

    for (const metadata of ['json', 'columns'] as const) {
      const after = metadata === 'columns' ? ['left_subject_set_at', 'metadata.folio'] : ['left_subject_set_at'];
      for (const [kind, csv, before] of [
        ['consensus', await stack.client.consensus(workflowId, { format: 'csv', since, sort: 'externalId', metadata, subjectSetId: sets.letter }), 'routing_decisions'],
        ['classifications', await stack.client.classifications(workflowId, { format: 'csv', since, metadata, sort: 'externalId', subjectSetId: sets.letter }), 'T0_asked_for_check'],
      ] as const) {
        const { header, rows } = csvTable(csv);
        expect([kind, header.slice(-after.length - 1)]).toEqual([kind, [before, ...after]]);
        const tombstones = rows.filter((cells) => cells[header.indexOf('left_subject_set_at')] !== '');
        // Nothing but the ids and when it left (updated_at the same moment); its metadata cells empty too.
        expect(tombstones.map((cells) => header.filter((_, index) => cells[index] !== '').sort())).toEqual([0, 1].map(() => ['external_id', 'left_subject_set_at', 'subject_id', 'updated_at']));
        for (const cells of tombstones) expect(cells[header.indexOf('updated_at')]).toBe(cells[header.indexOf('left_subject_set_at')]);
        expect(rows.filter((cells) => !tombstones.includes(cells)).map((cells) => [cells[header.indexOf('external_id')], cells[header.indexOf('metadata.folio')] ?? 'json'])).toEqual(
          ['order-1', 'order-10'].map((externalId) => [externalId, metadata === 'columns' ? externalId : 'json']),
        );
      }
    }
    // Without since, a set's download has no left_subject_set_at: its columns are the workflow's.
    expect(csvTable(await stack.client.consensus(workflowId, { format: 'csv', subjectSetId: sets.letter })).header).toEqual(csvTable(await stack.client.consensus(workflowId, { format: 'csv' })).header);
    expect(csvTable(await stack.client.classifications(workflowId, { format: 'csv', subjectSetId: sets.letter })).header).toEqual(csvTable(await stack.client.classifications(workflowId, { format: 'csv' })).header);
  });
});
