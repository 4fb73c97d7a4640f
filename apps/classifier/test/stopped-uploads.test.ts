import type { SubjectsAdded } from '@chorus/client';
import type { StoppedUpload } from '../src/lib/partsUpload';
import { type KeptStop, STOPS_KEPT, STOPS_STORED, STOP_KEPT_CHARS, forgetAllStops, forgetStop, keepStop, keptStops, lockOf, mayGoOnFrom, stillKept, whileSending, stopOfFile, stopsIntoGoneSets, withStop, withoutStop } from '../src/lib/stoppedUploads';

/** The stops of uploads in parts a device keeps (`stoppedUploads.ts`): a few, light, each known by its file and set. */

const added = (subjects: number, manifests: SubjectsAdded['manifests'] = undefined): SubjectsAdded => ({
  created: subjects,
  existing: 0,
  addedToSet: subjects,
  updated: 0,
  imagesWithoutAlt: 0,
  corrected: 0,
  subjectIds: Array.from({ length: subjects }, (_, at) => `00000000-0000-4000-8000-${String(at).padStart(12, '0')}`),
  ...(manifests ? { manifests } : {}),
});

/** A stop of `file` into `setId`, in `project`, at `stoppedAt`, its parts added having added `subjects`. */
function stopOf(file: string, setId: string, { project = 'p1', userId = 'u1', stoppedAt = 0, subjects = 3, manifests }: { project?: string; userId?: string; stoppedAt?: number; subjects?: number; manifests?: SubjectsAdded['manifests'] } = {}): KeptStop {
  const upload: StoppedUpload = {
    setId,
    bytes: 1_000,
    from: 40,
    at: subjects + 2,
    before: 'a'.repeat(64),
    sent: { rows: subjects, total: 10, parts: 1, partsInAll: 3, added: added(subjects, manifests), places: { first: 2, last: subjects + 1 }, warnings: [] },
    withIds: false,
    partKey: { sends: `${setId} null 40 ${'b'.repeat(64)}`, key: `key-of-${file}` },
  };
  return { project, userId, stoppedAt, stop: { upload, kind: 'table', contentType: 'text/csv', set: 'Tides', file } };
}

const filesAndSets = (kept: readonly KeptStop[]) => kept.map((one) => `${one.stop.file} ${one.stop.upload.setId}`);

describe('the stops of uploads kept on a device', () => {
  it('keeps the newest first, one per file and set (a later stop of the same upload in place of the earlier), at most a few', () => {
    let kept: KeptStop[] = [];
    kept = withStop(kept, stopOf('f1', 's1', { stoppedAt: 1 }));
    kept = withStop(kept, stopOf('f1', 's2', { stoppedAt: 2 }));
    kept = withStop(kept, stopOf('f1', 's1', { stoppedAt: 3, subjects: 5 }));
    expect(filesAndSets(kept)).toEqual(['f1 s1', 'f1 s2']);
    expect(kept[0]!.stop.upload.sent.rows).toBe(5);
    for (let n = 2; n <= STOPS_KEPT + 1; n += 1) kept = withStop(kept, stopOf(`f${n}`, 's1', { stoppedAt: 3 + n }));
    expect(kept).toHaveLength(STOPS_KEPT);
    expect(filesAndSets(kept)).toEqual([`f${STOPS_KEPT + 1} s1`, ...Array.from({ length: STOPS_KEPT - 1 }, (_, at) => `f${STOPS_KEPT - at} s1`)]);
  });

  it('keeps the counts of the parts added, not their subject ids, and no stop heavier than its limit', () => {
    const [kept] = withStop([], stopOf('f1', 's1', { subjects: 3 }));
    expect(kept!.stop.upload.sent.added).toMatchObject({ created: 3, addedToSet: 3, subjectIds: [] });
    expect(kept!.stop.upload.partKey.key).toBe('key-of-f1');
    // A IIIF upload of thousands of manifests: its answer's list of them is over the limit, so it is not kept.
    const manifests = Array.from({ length: 2_000 }, (_, at) => ({ id: `https://example.org/iiif/register-${at}/manifest.json`, label: `Register ${at}`, subjects: 1 }));
    const heavy = stopOf('f2', 's1', { manifests });
    expect(JSON.stringify(heavy).length).toBeGreaterThan(STOP_KEPT_CHARS);
    expect(filesAndSets(withStop([kept!], heavy))).toEqual(['f1 s1']);
  });

  it('finds the stop of a file chosen in its project, into the set chosen first, else the newest; forgets one upload’s only', () => {
    const kept = [stopOf('f1', 's2', { stoppedAt: 3 }), stopOf('f1', 's1', { stoppedAt: 2 }), stopOf('f1', 's3', { project: 'p2', stoppedAt: 1 })];
    const p1 = { project: 'p1', userId: 'u1' };
    expect(stopOfFile(kept, p1, 'f1', 's1', [])?.stop.upload.setId).toBe('s1');
    expect(stopOfFile(kept, p1, 'f1', 'new', [])?.stop.upload.setId).toBe('s2');
    expect(stopOfFile(kept, { project: 'p2', userId: 'u1' }, 'f1', 's1', [])?.stop.upload.setId).toBe('s3');
    expect(stopOfFile(kept, p1, 'f9', 's1', [])).toBeNull();
    expect(filesAndSets(withoutStop(kept, { file: 'f1', setId: 's2' }))).toEqual(['f1 s1', 'f1 s3']);
    expect(filesAndSets(withoutStop(kept, { file: null, setId: 's2' }))).toEqual(['f1 s2', 'f1 s1', 'f1 s3']);
  });
});

/** A browser's storage, in memory; `full` makes every write throw, as a full or disabled one does. */
class FakeStorage implements Storage {
  readonly items = new Map<string, string>();
  full = false;
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.full) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
}

describe('the stops kept in a browser’s storage', () => {
  it('offers a stop only to the account that sent it (its Idempotency-Keys are that account’s), and forgets them all on signing out', () => {
    const storage = new FakeStorage();
    keepStop(stopOf('f1', 's1', { userId: 'mary' }), storage);
    expect(stopOfFile(keptStops(storage), { project: 'p1', userId: 'mary' }, 'f1', 's1', [])?.userId).toBe('mary');
    expect(stopOfFile(keptStops(storage), { project: 'p1', userId: 'ada' }, 'f1', 's1', [])).toBeNull();
    expect(stopOfFile(keptStops(storage), { project: 'p1', userId: null }, 'f1', 's1', [])).toBeNull();
    forgetAllStops(storage);
    expect(storage.items.size).toBe(0);
  });

  it('reads what is kept under a versioned key, and none where it is not JSON, not a list, or kept by an older lab', () => {
    const storage = new FakeStorage();
    expect(STOPS_STORED).toBe('chorus.stoppedUploads.v1');
    storage.setItem('chorus.stoppedUploads', JSON.stringify([stopOf('f1', 's1')]));
    expect(keptStops(storage)).toEqual([]);
    storage.setItem(STOPS_STORED, '[{"project":');
    expect(keptStops(storage)).toEqual([]);
    storage.setItem(STOPS_STORED, JSON.stringify({ 0: stopOf('f1', 's1') }));
    expect(keptStops(storage)).toEqual([]);
    storage.setItem(STOPS_STORED, JSON.stringify([stopOf('f1', 's1'), null, 7, 'stop']));
    expect(filesAndSets(keptStops(storage))).toEqual(['f1 s1']);
  });

  it('leaves out a stop missing any field the page says or goes on from', () => {
    const storage = new FakeStorage();
    const good = stopOf('good', 's1');
    const broken: ((one: KeptStop) => void)[] = [
      (one) => delete (one as Partial<KeptStop>).userId,
      (one) => delete (one.stop.upload.sent as Partial<StoppedUpload['sent']>).rows,
      (one) => ((one.stop.upload.sent as { total: unknown }).total = '10'),
      (one) => delete (one.stop.upload.sent as Partial<StoppedUpload['sent']>).parts,
      (one) => ((one.stop.upload.sent as { warnings: unknown }).warnings = {}),
      (one) => ((one.stop.upload.sent as { warnings: unknown }).warnings = [{ first: 1 }]),
      (one) => ((one.stop.upload.sent as { places: unknown }).places = { first: 'a' }),
      (one) => delete (one.stop.upload as Partial<StoppedUpload>).before,
      (one) => ((one.stop.upload as { bytes: unknown }).bytes = 0),
      (one) => delete (one.stop.upload.partKey as Partial<StoppedUpload['partKey']>).sends,
      (one) => ((one.stop as { kind: unknown }).kind = 'pdf'),
      (one) => delete (one.stop.upload as Partial<StoppedUpload>).sent,
      (one) => ((one as { sending: unknown }).sending = 'yes'),
      // Only a part going out is kept without what the file has before it.
      (one) => (one.stop.upload.before = null),
    ];
    const bad = broken.map((breaks, at) => {
      const one = structuredClone(stopOf(`bad${at}`, 's1'));
      breaks(one);
      return one;
    });
    storage.setItem(STOPS_STORED, JSON.stringify([good, ...bad]));
    expect(filesAndSets(keptStops(storage))).toEqual(['good s1']);
  });

  it('keeps, and forgets, a stop of one upload only; a storage full or disabled keeps none and throws nothing', () => {
    const storage = new FakeStorage();
    keepStop(stopOf('f1', 's1', { stoppedAt: 1 }), storage);
    keepStop(stopOf('f2', 's1', { stoppedAt: 2 }), storage);
    forgetStop({ file: 'f1', setId: 's1' }, storage);
    expect(filesAndSets(keptStops(storage))).toEqual(['f2 s1']);
    forgetStop({ file: 'f2', setId: 's1' }, storage);
    expect(storage.items.size).toBe(0);
    storage.full = true;
    expect(() => keepStop(stopOf('f3', 's1'), storage)).not.toThrow();
    expect(keptStops(storage)).toEqual([]);
    expect(keptStops(null)).toEqual([]);
  });

  it('says a stop offered is still kept only while the same stop (the same time) is: not once sent to its end, started again or stopped again elsewhere', () => {
    const offered = stopOf('f1', 's1', { stoppedAt: 5 });
    expect(stillKept([stopOf('f2', 's1'), stopOf('f1', 's1', { stoppedAt: 5 })], offered)).toBe(true);
    expect(stillKept([stopOf('f1', 's1', { stoppedAt: 9 })], offered)).toBe(false);
    expect(stillKept([], offered)).toBe(false);
    expect(stillKept([stopOf('f1', 's1', { stoppedAt: 5, userId: 'u2' })], offered)).toBe(false);
  });

  it('keeps an upload going on as the stop of its part going out, and offers it as interrupted unless a page still sends it (holds its lock)', () => {
    const storage = new FakeStorage();
    const going = { ...stopOf('f1', 's1', { stoppedAt: 1 }), sending: true as const };
    keepStop(going, storage);
    const [kept] = keptStops(storage);
    expect(kept).toMatchObject({ sending: true, stoppedAt: 1, stop: { upload: { partKey: going.stop.upload.partKey } } });
    const p1 = { project: 'p1', userId: 'u1' };
    expect(stopOfFile(keptStops(storage), p1, 'f1', 's1', [lockOf({ file: 'f1', setId: 's1' })])).toBeNull();
    expect(stopOfFile(keptStops(storage), p1, 'f1', 's1', [lockOf({ file: 'f1', setId: 's2' }), lockOf({ file: 'f2', setId: 's1' })])).toEqual(kept);
    expect(stopOfFile(keptStops(storage), p1, 'f1', 's1', [])).toEqual(kept);
    // Its next part going out, or a refusal stopping it there, in its place: one upload, one kept.
    keepStop({ ...going, stoppedAt: 2 }, storage);
    expect(keptStops(storage).map((one) => one.stoppedAt)).toEqual([2]);
    keepStop(stopOf('f1', 's1', { stoppedAt: 3 }), storage);
    expect(keptStops(storage)).toEqual([expect.not.objectContaining({ sending: true })]);
    expect(stopOfFile(keptStops(storage), p1, 'f1', 's1', [lockOf({ file: 'f1', setId: 's1' })])?.stoppedAt).toBe(3);
  });

  it('never lets an upload going on push out a stop: the few kept are stops, one going on left out first', () => {
    const stops = Array.from({ length: STOPS_KEPT }, (_, at) => stopOf(`f${at}`, 's1', { stoppedAt: at }));
    let kept = stops.reduce(withStop, [] as KeptStop[]);
    const going = { ...stopOf('going', 's1', { stoppedAt: 10 }), sending: true as const };
    expect(filesAndSets(withStop(kept, going))).toEqual(filesAndSets(kept));
    // One stop fewer: the upload going on is kept, and the next stop pushes it out, not the oldest stop.
    kept = withStop(kept.slice(0, STOPS_KEPT - 1), going);
    expect(kept[0]).toMatchObject({ sending: true });
    kept = withStop(kept, stopOf('new', 's1', { stoppedAt: 11 }));
    expect(filesAndSets(kept)).toEqual(['new s1', ...filesAndSets(stops.slice(1).reverse())]);
  });

  it('sends an upload holding its lock where it is free; says so when another page holds it, or the browser has no Web Locks', async () => {
    /** Web Locks as a browser grants them `ifAvailable`: a lock held is not granted again until released. */
    const held = new Set<string>();
    const locks = {
      request: async (name: string, _options: { ifAvailable: true }, got: (lock: { name: string } | null) => Promise<unknown>) => {
        if (held.has(name)) return got(null);
        held.add(name);
        try {
          return await got({ name });
        } finally {
          held.delete(name);
        }
      },
    };
    const upload = { file: 'f1', setId: 's1' };
    const withLocks = async <T>(run: () => Promise<T>): Promise<T> => {
      const navigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
      Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
      try {
        return await run();
      } finally {
        if (navigator) Object.defineProperty(globalThis, 'navigator', navigator);
        else delete (globalThis as { navigator?: unknown }).navigator;
      }
    };
    const seen = await withLocks(() => whileSending(upload, async (first) => [first, await whileSending(upload, async (second) => second), await whileSending({ ...upload, setId: 's2' }, async (other) => other)]));
    expect(seen).toEqual(['held', 'taken', 'held']);
    expect(await whileSending(upload, async (lock) => lock)).toBe('none');
  });

  it('goes on from a stop offered only while no other page sends it (holds its lock) and it is still kept as offered', () => {
    const offered = stopOf('f1', 's1', { stoppedAt: 5 });
    expect(mayGoOnFrom(offered, 'held', [offered])).toBe(true);
    expect(mayGoOnFrom(offered, 'none', [offered])).toBe(true);
    // Another page pressed "Continue from there" first: it holds the lock before it keeps its first part going out.
    expect(mayGoOnFrom(offered, 'taken', [offered])).toBe(false);
    expect(mayGoOnFrom(offered, 'held', [stopOf('f1', 's1', { stoppedAt: 6 })])).toBe(false);
  });

  it('finds the account’s stops into sets the project no longer has', () => {
    const kept = [stopOf('f1', 's1'), stopOf('f2', 'gone'), stopOf('f3', 'gone', { userId: 'u2' }), stopOf('f4', 'gone', { project: 'p2' })];
    expect(filesAndSets(stopsIntoGoneSets(kept, { project: 'p1', userId: 'u1' }, ['s1', 's2']))).toEqual(['f2 gone']);
  });
});
