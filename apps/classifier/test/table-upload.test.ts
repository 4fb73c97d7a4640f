import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';
import { UploadStopped, sendInParts } from '../src/lib/partsUpload';
import { RowTooLarge } from '../src/lib/tableParts';
import { tableCutting } from '../src/lib/tableUpload';

// The warnings' wording only; the app's catalogues are found through Vite, which Jest is not.
jest.mock('../src/i18n', () => ({ i18n: { t: (key: string) => key } }));

/**
 * A table sent in parts to an API whose body limit is below the lab's default (`BODY_LIMIT_BYTES`): the lab learns the
 * limit from the 413 of a part, and cuts the rest of the file again to it.
 */

const LIMIT = 400_000;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { BODY_LIMIT_BYTES: String(LIMIT) } });
});
afterAll(() => stack.stop());

it('stops, saying what was added, at a row over the limit a 413 names once earlier parts were added', async () => {
  const project = await stack.client.createProject({ title: 'Parts over a lower limit' });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Pages' });
  const rows = Array.from({ length: 10_000 }, (_, n) => `p${n},https://example.org/${n}.jpg,`);
  // Line 10,002 of the file (after the header and the first part's rows) is larger than any part the API takes.
  const text = ['external_id,image_url,note', ...rows, `big,https://example.org/big.jpg,${'x'.repeat(LIMIT + 1)}`, 'after,https://example.org/after.jpg,'].join('\n');

  const upload = sendInParts(stack.client, tableCutting(text, 'text/csv'), { setId: set.id, keys: new Map(), newKey: randomUUID }, () => undefined);

  const stopped = await upload.catch((thrown: unknown) => thrown);
  expect(stopped).toBeInstanceOf(UploadStopped);
  const { stopped: where, refusal } = stopped as UploadStopped;
  expect(refusal).toBeInstanceOf(RowTooLarge);
  expect((refusal as RowTooLarge).line).toBe(10_002);
  expect((refusal as RowTooLarge).limit).toBe(LIMIT);
  expect(where.sent).toMatchObject({ rows: 10_000, parts: 1, places: { first: 2, last: 10_001 } });
  expect(where.at).toBe(10_002);
  expect(where.bytes).toBe(LIMIT);
  const { rows: [members] } = await stack.db.query('SELECT count(*)::int AS n FROM subject_set_members WHERE subject_set_id = $1', [set.id]);
  expect(members.n).toBe(10_000);
});
