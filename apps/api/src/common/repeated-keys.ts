import { toPointer } from '@chorus/tasks';
import { visit } from 'jsonc-parser';

/**
 * The JSON pointer of the first key that an object of the text holds twice (its second occurrence), or undefined.
 * `JSON.parse` keeps the last value of a repeated key without a word, so a client that sends one (a bug, or a
 * request built to slip one value past a check that read the other) is refused rather than half-read. Keys are
 * compared as parsed (`"a"` and `"\u0061"` are one key). For text that `JSON.parse` has already taken.
 */
export function firstRepeatedKey(text: string): string | undefined {
  const open: Set<string>[] = [];
  let repeated: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
      return repeated === undefined; // once one is found, nothing inside the objects that follow is looked at
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key, _offset, _length, _line, _character, pathSupplier) => {
      const keys = open[open.length - 1];
      if (!keys || repeated !== undefined) return;
      if (keys.has(key)) repeated = toPointer([...pathSupplier(), key]);
      else keys.add(key);
    },
  });
  return repeated;
}
