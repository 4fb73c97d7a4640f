import { firstRepeatedKey } from '../src/common/repeated-keys';

describe('firstRepeatedKey', () => {
  it.each([
    ['{"a":1,"b":2}', undefined],
    ['{"a":1,"a":2}', '/a'],
    ['{"annotations":[{"task":"T0","value":"yes"},{"task":"T1","value":"yes","value":"no"}]}', '/annotations/1/value'],
    // The same key in sibling and nested objects is no repetition.
    ['{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}', undefined],
    // Compared as parsed: an escape spells the same key.
    ['{"value":1,"\\u0076alue":2}', '/value'],
    // Keys that need escaping in a pointer are escaped.
    ['{"m":{"a/b~c":1,"a/b~c":2}}', '/m/a~1b~0c'],
    // The first, in the order of the text.
    ['{"x":{"y":1,"y":2},"z":1,"z":2}', '/x/y'],
    ['[1,"a",{"k":[],"k":{}}]', '/2/k'],
    ['"just a string"', undefined],
    ['{}', undefined],
  ])('in %s: %s', (text, pointer) => {
    expect(firstRepeatedKey(text)).toBe(pointer);
  });
});
