import type { ExportFormat } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { heldAbove, indexesOf, type PlanNode, planOf } from '../../../test/support/plans';
import { laggingSubjects, until } from '../../../test/support/waiting';
import { childrenNamed, parseXml } from '../../../test/support/xml';
import { SET_TRANSCRIPTION_ROWS, classificationRows, consensusRows } from '../src/exports/exports.service';
import { refusal } from '../../../test/support/requests';

let stack: Stack;
let workflowId: string;
/** The sets by name: Letter and Diary, linked to the workflow; Unlinked, of its project but not linked; Foreign, another project's. */
let sets: Record<'letter' | 'diary' | 'unlinked' | 'foreign', string>;
/** Each subject's id by its externalId: a2 then a1 (the letter's order), shared (the letter's and the diary's), b1 (the diary's). */
let idOf: Record<string, string>;

const TEXTS: Record<string, string> = { a2: 'Second page', a1: 'First page', shared: 'Both sets', b1: 'Diary entry' };

/** Records of a JSON or NDJSON download. */
const recordsOf = (format: Exclude<ExportFormat, 'csv'>, body: string): Record<string, unknown>[] => (format === 'json' ? JSON.parse(body) : body.split('\n').filter(Boolean).map((line) => JSON.parse(line)));

/** The external_id column of a CSV download (its second column in both downloads, no cell here quoted). */
const csvExternalIds = (csv: string, column: string) => {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const index = header!.split(',').indexOf(column);
  return lines.map((line) => line.split(',')[index]);
};

/** The page headings of a text download (`=== <externalId> ===`), in order. */
const headingsOf = (text: string) => text.split('\n').filter((line) => line.startsWith('===')).map((line) => line.slice(4, -4));

beforeAll(async () => {
  stack = await startStack();
  const project = await stack.client.createProject({ title: `Archive ${randomUUID().slice(0, 8)}`, status: 'live' });
  const other = await stack.client.createProject({ title: `Elsewhere ${randomUUID().slice(0, 8)}`, status: 'live' });
  sets = {
    letter: (await stack.client.createSubjectSet(project.id, { name: 'Letter' })).id,
    diary: (await stack.client.createSubjectSet(project.id, { name: 'Diary' })).id,
    unlinked: (await stack.client.createSubjectSet(project.id, { name: 'Unlinked' })).id,
    foreign: (await stack.client.createSubjectSet(other.id, { name: 'Foreign' })).id,
  };
  const text = (externalId: string, metadata: Record<string, string>) => ({ externalId, locations: [{ type: 'text' as const, text: TEXTS[externalId]! }], metadata });
  const inLetter = await stack.client.addSubjects(sets.letter, [text('a2', { folio: '2' }), text('a1', { folio: '1' }), text('shared', { folio: '3' })]);
  // The shared page joins the diary too (the same externalId: the same subject), then the diary's own entry.
  const inDiary = await stack.client.addSubjects(sets.diary, [text('shared', { folio: '3' }), text('b1', { entry: 'May' })]);
  expect(inDiary.subjectIds[0]).toBe(inLetter.subjectIds[2]);
  idOf = { a2: inLetter.subjectIds[0]!, a1: inLetter.subjectIds[1]!, shared: inLetter.subjectIds[2]!, b1: inDiary.subjectIds[1]! };
  await stack.client.addSubjects(sets.unlinked, [{ externalId: 'elsewhere', locations: [{ type: 'text', text: 'Not served' }] }]);
  ({ id: workflowId } = await stack.client.createWorkflow(project.id, {
    name: 'Transcribe the archive',
    firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [sets.letter, sets.diary],
  }));
  await stack.client.activateWorkflow(workflowId);
  for (let volunteer = 0; volunteer < 2; volunteer++) {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    for (const [name, value] of Object.entries(TEXTS)) {
      await guest.classify({ workflowId, workflowVersion: 1, subjectId: idOf[name]!, annotations: [{ task: 'T0', value }] }, randomUUID());
    }
  }
  await until(async () => (await laggingSubjects(stack.db, workflowId)) === 0, 'every transcription aggregated');
});
afterAll(() => stack.stop());

describe('a download limited to one subject set', () => {
  it('gives the consensus of that set’s subjects alone, in every format and order, a subject of two sets in each one’s', async () => {
    for (const format of ['json', 'ndjson'] as const) {
      const ofSet = async (set: string, sort?: 'externalId') => recordsOf(format, await stack.client.consensus(workflowId, { format, sort, subjectSetId: set })).map((row) => row.external_id);
      expect(await ofSet(sets.letter)).toEqual(['a2', 'a1', 'shared'].sort((a, b) => (idOf[a]! < idOf[b]! ? -1 : 1)));
      expect(await ofSet(sets.letter, 'externalId')).toEqual(['a1', 'a2', 'shared']);
      expect(await ofSet(sets.diary, 'externalId')).toEqual(['b1', 'shared']);
    }
    expect(csvExternalIds(await stack.client.consensus(workflowId, { format: 'csv', sort: 'externalId', subjectSetId: sets.diary }), 'external_id')).toEqual(['b1', 'shared']);
    // Without the parameter, every set's.
    expect(recordsOf('json', await stack.client.consensus(workflowId, { format: 'json' })).map((row) => row.external_id).sort()).toEqual(['a1', 'a2', 'b1', 'shared']);
  });

  it('gives a column for each metadata key of that set’s subjects alone', async () => {
    const letter = recordsOf('json', await stack.client.consensus(workflowId, { format: 'json', sort: 'externalId', metadata: 'columns', subjectSetId: sets.letter }));
    expect(Object.keys(letter[0]!).filter((column) => column.startsWith('metadata.'))).toEqual(['metadata.folio']);
    const diary = recordsOf('json', await stack.client.classifications(workflowId, { format: 'json', metadata: 'columns', sort: 'externalId', subjectSetId: sets.diary }));
    expect(Object.keys(diary[0]!).filter((column) => column.startsWith('metadata.'))).toEqual(['metadata.entry', 'metadata.folio']);
  });

  it('gives a set’s changes with since, in the download and through a set’s link: every row since before it, none since later', async () => {
    const letter = ['a1', 'a2', 'shared'];
    for (const [since, rows] of [['2000-01-01T00:00:00Z', letter], ['2999-01-01T00:00:00Z', []]] as const) {
      expect(recordsOf('json', await stack.client.consensus(workflowId, { format: 'json', since, sort: 'externalId', subjectSetId: sets.letter })).map((row) => row.external_id)).toEqual(rows);
      const classified = recordsOf('json', await stack.client.classifications(workflowId, { format: 'json', since, sort: 'externalId', subjectSetId: sets.letter })).map((row) => row.external_id);
      expect([...new Set(classified)]).toEqual(rows);
      const link = await stack.client.downloadLink(workflowId, { kind: 'consensus', format: 'json', subjectSetId: sets.letter });
      const opened = await fetch(`${stack.baseUrl}${link.url}&since=${since}&sort=externalId`);
      expect([opened.status, ((await opened.json()) as { external_id: string }[]).map((row) => row.external_id)]).toEqual([200, rows]);
    }
  });

  it('gives the raw classifications of that set’s subjects alone, in every format and order', async () => {
    for (const format of ['json', 'ndjson'] as const) {
      const ofSet = async (set: string, sort?: 'externalId') => recordsOf(format, await stack.client.classifications(workflowId, { format, sort, subjectSetId: set })).map((row) => row.external_id);
      expect(await ofSet(sets.diary, 'externalId')).toEqual(['b1', 'b1', 'shared', 'shared']);
      expect((await ofSet(sets.letter)).sort()).toEqual(['a1', 'a1', 'a2', 'a2', 'shared', 'shared']);
    }
    expect(csvExternalIds(await stack.client.classifications(workflowId, { format: 'csv', sort: 'externalId', subjectSetId: sets.letter }), 'external_id')).toEqual(['a1', 'a1', 'a2', 'a2', 'shared', 'shared']);
  });

  it('gives the transcriptions of that set’s pages alone in its own order, as text, IIIF and TEI, the set named in the label and title', async () => {
    expect(headingsOf(await stack.client.transcriptions(workflowId, { task: 'T0' }))).toEqual(['a2', 'a1', 'shared', 'b1']);
    expect(headingsOf(await stack.client.transcriptions(workflowId, { task: 'T0', format: 'text', subjectSetId: sets.letter }))).toEqual(['a2', 'a1', 'shared']);
    // The shared page is the letter's in the whole download, and the diary's too in the diary's.
    expect(await stack.client.transcriptions(workflowId, { task: 'T0', format: 'text', subjectSetId: sets.diary })).toBe('=== shared ===\nBoth sets\n\n=== b1 ===\nDiary entry\n');

    const iiif = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif&subjectSetId=${sets.diary}`, { headers: { authorization: `Bearer ${stack.client.token}` } });
    expect(iiif.status).toBe(200);
    // Text subjects, no canvas: the diary's two counted, not the workflow's four.
    expect([iiif.headers.get('chorus-annotations'), iiif.headers.get('chorus-left-out-not-canvas')]).toEqual(['0', '2']);
    expect(await iiif.json()).toMatchObject({
      id: `${stack.baseUrl}/api/v1/workflows/${workflowId}/transcriptions?task=T0&format=iiif&subjectSetId=${sets.diary}`,
      label: { en: ['Consensus transcriptions of task T0, workflow “Transcribe the archive”, subject set “Diary”'] },
    });

    const tei = parseXml(await stack.client.transcriptions(workflowId, { task: 'T0', format: 'tei', subjectSetId: sets.diary }));
    const fileDesc = childrenNamed(childrenNamed(tei, 'teiHeader')[0]!, 'fileDesc')[0]!;
    expect(childrenNamed(childrenNamed(fileDesc, 'titleStmt')[0]!, 'title')[0]!.children).toEqual(['Consensus transcriptions of task T0, workflow “Transcribe the archive”, subject set “Diary”']);
    // The sources: the one set it reads.
    expect(childrenNamed(childrenNamed(fileDesc, 'sourceDesc')[0]!, 'bibl').map((bibl) => childrenNamed(bibl, 'idno')[0]!.children)).toEqual([[sets.diary]]);
    const pages = childrenNamed(childrenNamed(childrenNamed(tei, 'text')[0]!, 'body')[0]!, 'pb').map((pb) => pb.attributes.n);
    expect(pages).toEqual(['shared', 'b1']);
  });

  it.each([
    ['consensus', (set: string) => stack.client.consensus(workflowId, { format: 'json', subjectSetId: set })],
    ['classifications', (set: string) => stack.client.classifications(workflowId, { format: 'json', subjectSetId: set })],
    ['transcriptions', (set: string) => stack.client.transcriptions(workflowId, { task: 'T0', format: 'text', subjectSetId: set })],
  ])('refuses in the %s download a set the workflow does not serve, or no uuid, 422 naming subjectSetId with the fix', async (_, download) => {
    for (const set of [sets.unlinked, sets.foreign, randomUUID()]) {
      const error = await refusal(download(set));
      expect([error.status, error.problem.errors]).toEqual([422, [{ pointer: '/query/subjectSetId', message: expect.stringContaining(`name one of its subjectSetIds (GET /workflows/:id), such as ${sets.letter}, or leave subjectSetId out`) }]]);
    }
    const error = await refusal(download('letter'));
    expect([error.status, error.problem.errors]).toEqual([422, [{ pointer: '/query/subjectSetId', message: expect.stringContaining('must be the id of a subject set the workflow serves') }]]);
  });

  it('keeps the set in a download link, which then opens that set’s consensus, classifications and transcriptions alone', async () => {
    const consensus = await stack.client.downloadLink(workflowId, { kind: 'consensus', format: 'json', subjectSetId: sets.diary });
    expect(new URL(consensus.absoluteUrl).searchParams.get('subjectSetId')).toBe(sets.diary);
    const opened = await fetch(`${stack.baseUrl}${consensus.url}&sort=externalId`);
    expect(opened.status).toBe(200);
    expect(((await opened.json()) as { external_id: string }[]).map((row) => row.external_id)).toEqual(['b1', 'shared']);
    // Without a format, the consensus link opens the set's transcriptions too, its path changed.
    const link = await stack.client.downloadLink(workflowId, { kind: 'consensus', subjectSetId: sets.letter });
    const pages = await fetch(`${stack.baseUrl}${link.url.replace('/consensus?', '/transcriptions?')}&task=T0`);
    expect(headingsOf(await pages.text())).toEqual(['a2', 'a1', 'shared']);
    const classifications = await stack.client.downloadLink(workflowId, { kind: 'classifications', format: 'ndjson', subjectSetId: sets.letter });
    expect(recordsOf('ndjson', await (await fetch(`${stack.baseUrl}${classifications.url}`)).text()).map((row) => row.external_id).sort()).toEqual(['a1', 'a1', 'a2', 'a2', 'shared', 'shared']);
  });

  it('signs the set into its link: opened without the set, with another, or a whole link with one, it is refused', async () => {
    const link = await stack.client.downloadLink(workflowId, { kind: 'consensus', subjectSetId: sets.letter });
    const url = new URL(link.absoluteUrl);
    const opened = async (path: string, set: string | undefined) => {
      const query = new URLSearchParams(url.search);
      if (set === undefined) query.delete('subjectSetId');
      else query.set('subjectSetId', set);
      return (await fetch(`${stack.baseUrl}${url.pathname.replace('/consensus', path)}?${query}${path === '/transcriptions' ? '&task=T0' : ''}`)).status;
    };
    for (const path of ['/consensus', '/transcriptions']) {
      expect(await opened(path, sets.letter)).toBe(200);
      expect([await opened(path, undefined), await opened(path, sets.diary)]).toEqual([401, 401]);
    }
    const whole = await stack.client.downloadLink(workflowId, { kind: 'classifications', format: 'json' });
    expect((await fetch(`${stack.baseUrl}${whole.url}&subjectSetId=${sets.letter}`)).status).toBe(401);
  });

  it('refuses a link to a set the workflow does not serve, or to the subject reports of a set, 422 naming subjectSetId', async () => {
    const unserved = await refusal(stack.client.downloadLink(workflowId, { kind: 'consensus', subjectSetId: sets.foreign }));
    expect([unserved.status, unserved.problem.errors]).toEqual([422, [{ pointer: '/subjectSetId', message: expect.stringContaining('is not a subject set this workflow serves') }]]);
    const reports = await refusal(stack.client.downloadLink(workflowId, { kind: 'subject-reports', subjectSetId: sets.letter }));
    expect([reports.status, reports.problem.errors]).toEqual([422, [{ pointer: '/subjectSetId', message: expect.stringContaining('leave subjectSetId out') }]]);
    for (const set of ['diary', '']) {
      const notUuid = await refusal(stack.client.downloadLink(workflowId, { kind: 'consensus', subjectSetId: set }));
      expect([notUuid.status, notUuid.problem.errors?.[0]?.pointer]).toEqual([422, '/subjectSetId']);
    }
  });
});

describe("a set's download at scale", () => {
  // 6,000 subjects of the workflow in three linked sets of 2,000, each classified once; the download of one set. Filtered
  // by an EXISTS of each row's membership, the planner took the set for 462 rows, hashed the workflow's rows with its
  // members and sorted them before the first (the consensus), or read every classification (the raw download).
  it('reads the set’s members and their rows through indexes, never a whole table, and sorts nothing whole', async () => {
    const { projectId } = await stack.client.getWorkflow(workflowId);
    const volunteer = (await stack.db.query("SELECT id FROM users WHERE kind = 'guest' LIMIT 1")).rows[0].id;
    await stack.db.query('BEGIN');
    try {
      const big = (await stack.db.query(`INSERT INTO subject_sets (project_id, name) SELECT $1, 'big ' || i FROM generate_series(1, 3) i RETURNING id`, [projectId])).rows.map((row) => row.id);
      await stack.db.query('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) SELECT $1, id, 10 + row_number() OVER () FROM unnest($2::uuid[]) id', [workflowId, big]);
      await stack.db.query(
        `WITH page AS (INSERT INTO subjects (project_id, locations, external_id) SELECT $1, '[{"type": "text", "text": "A page"}]', 'page-' || i FROM generate_series(1, 6000) i RETURNING id, external_id),
         numbered AS (SELECT id, substr(external_id, 6)::int AS n FROM page),
         member AS (INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT ($2::uuid[])[1 + n % 3], id, n FROM numbered),
         hot AS (INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $3, id FROM numbered)
         INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
         SELECT $3, 1, id, $4, '[{"task":"T0","value":"A page"}]', gen_random_uuid()::text FROM numbered`,
        [projectId, big, workflowId, volunteer],
      );
      // And another project's workflow of 20,000 subjects in 2,000 sets of ten: the tables are not the workflow's alone.
      const { id: other } = await stack.client.createProject({ title: `Small sets ${randomUUID().slice(0, 8)}`, status: 'live' });
      const { id: otherWorkflow } = await stack.client.createWorkflow(other, { name: 'Other', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [] });
      await stack.db.query(
        `WITH small AS (INSERT INTO subject_sets (project_id, name) SELECT $1, 'small ' || i FROM generate_series(1, 2000) i RETURNING id),
         page AS (INSERT INTO subjects (project_id, locations) SELECT $1, '[{"type": "text", "text": "A page"}]' FROM generate_series(1, 20000) i RETURNING id),
         hot AS (INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $2, id FROM page)
         INSERT INTO subject_set_members (subject_set_id, subject_id, position)
         SELECT small.id, page.id, page.n FROM (SELECT id, row_number() OVER () AS n FROM page) page JOIN (SELECT id, row_number() OVER () AS n FROM small) small ON small.n = 1 + page.n % 2000`,
        [other, otherWorkflow],
      );
      // Each of those subjects left a set of its project once: a since= download of one set reads its own departures alone.
      await stack.db.query(
        `INSERT INTO subject_set_departures (subject_set_id, subject_id, left_at) SELECT m.subject_set_id, m.subject_id, now() FROM subject_set_members m JOIN subject_sets ss ON ss.id = m.subject_set_id WHERE ss.project_id = $1`,
        [other],
      );
      await stack.db.query('ANALYZE subjects; ANALYZE subject_sets; ANALYZE subject_set_members; ANALYZE subject_workflow_status; ANALYZE classifications; ANALYZE workflow_subject_sets; ANALYZE subject_set_departures');
      const set = big[0];
      const plans: [string, { Plan: PlanNode }][] = [
        ['consensus', await planOf(stack, consensusRows('id', '$4'), [workflowId, null, null, set])],
        ['classifications', await planOf(stack, classificationRows('$3').id, [workflowId, null, set])],
        ['consensus by externalId', await planOf(stack, consensusRows('externalId', '$4'), [workflowId, null, null, set])],
        ['classifications by externalId', await planOf(stack, classificationRows('$3').externalId, [workflowId, null, set])],
        ['consensus since', await planOf(stack, consensusRows('id', '$4'), [workflowId, null, '2000-01-01', set])],
        ['classifications since', await planOf(stack, classificationRows('$3').id, [workflowId, '2000-01-01', set])],
        ...(await Promise.all(Object.entries(SET_TRANSCRIPTION_ROWS).map(async ([format, rows]) => [`transcriptions ${format}`, await planOf(stack, rows, [workflowId, 'T0', set])] as [string, { Plan: PlanNode }]))),
      ];
      for (const [download, plan] of plans) {
        const scans: string[] = [];
        const walk = (node: PlanNode & { 'Relation Name'?: string }) => {
          if (node['Node Type'] === 'Seq Scan') scans.push(`${download}: ${node['Relation Name']}`);
          for (const input of node.Plans ?? []) walk(input);
        };
        walk(plan.Plan);
        expect(scans.filter((scan) => /: (subjects|subject_set_members|subject_workflow_status|classifications|subject_set_departures)$/.test(scan))).toEqual([]);
      }
      const [consensus, classifications, consensusByExternalId, classificationsByExternalId, consensusSince, classificationsSince, ...transcriptions] = plans.map(([, plan]) => plan);
      // With since, the set's departures through their primary key (set, subject): its own, never the table's (no Seq Scan: above).
      for (const plan of [consensusSince!, classificationsSince!]) expect(JSON.stringify(plan)).toContain('"Index Name":"PK_3fe73ca1addfd358e675fb6eaaf"');
      // By externalId, the set's own ids sorted: its members (never scanned whole: above), each one's subject by its primary key, never the project's externalIds.
      for (const plan of [consensusByExternalId!, classificationsByExternalId!]) expect(indexesOf(plan, 's').filter((index) => !index?.startsWith('PK_'))).toEqual([]);
      // The set's members along their primary key, in subject id order: nothing held back until the set is read whole.
      for (const plan of [consensus!, classifications!]) expect(indexesOf(plan, 'ms')).toEqual([expect.stringMatching(/^PK_/)]);
      expect(heldAbove(consensus!, 'st')).toEqual([]);
      expect(heldAbove(classifications!, 'c')).toEqual([]);
      expect(heldAbove(classifications!, 'ms')).toEqual([]);
      for (const plan of transcriptions) {
        expect(heldAbove(plan, 'm')).toEqual([]);
        expect(indexesOf(plan, 'm')).toEqual(['subject_set_members_order_idx']);
      }
    } finally {
      await stack.db.query('ROLLBACK');
    }
  });
});
