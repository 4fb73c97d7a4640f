import { fromMarkdown } from 'mdast-util-from-markdown';
import type { MigrationInterface, QueryRunner } from 'typeorm';

interface MarkdownNode {
  type: string;
  value?: string;
  alt?: string | null;
  children?: MarkdownNode[];
}

const HOLDING_BLOCKS = new Set(['root', 'blockquote', 'list', 'listItem']);

/**
 * `listedDescriptionOf` (apps/api/src/common/plain-text.ts) as this migration was written: a copy, so that a later
 * change to the rule does not change what it did. 300 characters of the plain text of the first 1,000 of Markdown.
 */
function listedDescriptionOf(markdown: string): string {
  const lineEnd = markdown.lastIndexOf('\n', 1000);
  const read = markdown.length <= 1000 ? markdown : markdown.slice(0, lineEnd > 500 ? lineEnd : /[\ud800-\udbff]/.test(markdown[999]!) ? 999 : 1000);
  const open: { node: MarkdownNode; words: string[] }[] = [{ node: fromMarkdown(read) as MarkdownNode, words: [] }];
  let words = '';
  while (open.length > 0) {
    const { node, words: done } = open.at(-1)!;
    const next = (node.children ?? [])[done.length];
    if (next?.type === 'html') done.push('');
    else if (next?.type === 'image' || next?.type === 'imageReference') done.push(next.alt ?? '');
    else if (next?.type === 'break') done.push('\n');
    else if (next?.value !== undefined) done.push(next.value);
    else if (next) open.push({ node: next, words: [] });
    else {
      open.pop();
      words = HOLDING_BLOCKS.has(node.type) ? done.filter((each) => each.trim() !== '').join('\n') : done.join('');
      open.at(-1)?.words.push(words);
    }
  }
  const characters = Array.from(words.trim());
  if (characters.length <= 300) return read.length < markdown.length ? `${words.trim()}…` : words.trim();
  const cut = characters.slice(0, 299).join('');
  const word = cut.lastIndexOf(' ');
  return `${(word > cut.length / 2 ? cut.slice(0, word) : cut).trimEnd()}…`;
}

/**
 * What the project list shows of each description (the plain text of its opening), kept with the project when its
 * description is written rather than parsed from its Markdown on every request: the projects made before get theirs
 * here, a batch at a time.
 */
export class ListedDescriptions1797680000000 implements MigrationInterface {
  name = 'ListedDescriptions1797680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "listed_description" text NOT NULL DEFAULT ''`);
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const rows: { id: string; description: string }[] = await queryRunner.query(
        `SELECT id, description FROM projects WHERE id > $1 AND description <> '' ORDER BY id LIMIT 500`,
        [after],
      );
      if (rows.length === 0) return;
      await queryRunner.query('UPDATE projects SET listed_description = listed.text FROM unnest($1::uuid[], $2::text[]) AS listed(id, text) WHERE projects.id = listed.id', [
        rows.map(({ id }) => id),
        rows.map(({ description }) => listedDescriptionOf(description)),
      ]);
      after = rows.at(-1)!.id;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "projects" DROP COLUMN "listed_description"');
  }
}
