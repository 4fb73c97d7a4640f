import { toPointer } from '@chorus/tasks';
import { visit } from 'jsonc-parser';

/**
 * Why a key named `__proto__` cannot be taken, wherever it comes from (a JSON body's key, a CSV file's column, a IIIF
 * manifest's metadata label): stored as a name of an object, it would be read as the object's prototype, and the
 * value lost without a word (or, merged into another object, change it). Said in one place for all three.
 */
export const PROTOTYPE_KEY = '__proto__';
export const PROTOTYPE_KEY_REASON = 'which JavaScript reads as an object\'s prototype, not as a name, so its value could not be kept';

/**
 * The JSON pointer of the first key of the text that Fastify's guard against prototype poisoning refuses, with what
 * to do: a `__proto__` key, or a `prototype` key in an object under a `constructor` key; undefined when it has none.
 * For text that `JSON.parse` takes (so keys are compared as parsed: `"\u005f_proto__"` is `__proto__`).
 */
export function firstPrototypeKey(text: string): { pointer: string; message: string } | undefined {
  let found: { pointer: string; message: string } | undefined;
  visit(text, {
    onObjectBegin: () => found === undefined,
    onObjectProperty: (key, _offset, _length, _line, _character, pathSupplier) => {
      if (found !== undefined) return;
      const path = pathSupplier();
      if (key === PROTOTYPE_KEY) found = { pointer: toPointer([...path, key]), message: `is a key named "${PROTOTYPE_KEY}", ${PROTOTYPE_KEY_REASON}; rename it` };
      else if (key === 'prototype' && path.at(-1) === 'constructor') {
        found = { pointer: toPointer([...path, key]), message: `is a "prototype" key inside a "constructor" key, ${PROTOTYPE_KEY_REASON}; rename either key` };
      }
    },
  });
  return found;
}

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
