import type { SubjectsAdded } from '@chorus/client';
import type { StoppedUpload } from '../src/lib/partsUpload';
import { type KeptStop, STOPS_KEPT, STOP_KEPT_CHARS, stopOfFile, withStop, withoutStop } from '../src/lib/stoppedUploads';

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
function stopOf(file: string, setId: string, { project = 'p1', stoppedAt = 0, subjects = 3, manifests }: { project?: string; stoppedAt?: number; subjects?: number; manifests?: SubjectsAdded['manifests'] } = {}): KeptStop {
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
  return { project, stoppedAt, stop: { upload, kind: 'table', contentType: 'text/csv', set: 'Tides', file } };
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
    expect(stopOfFile(kept, 'p1', 'f1', 's1')?.stop.upload.setId).toBe('s1');
    expect(stopOfFile(kept, 'p1', 'f1', 'new')?.stop.upload.setId).toBe('s2');
    expect(stopOfFile(kept, 'p2', 'f1', 's1')?.stop.upload.setId).toBe('s3');
    expect(stopOfFile(kept, 'p1', 'f9', 's1')).toBeNull();
    expect(filesAndSets(withoutStop(kept, { file: 'f1', setId: 's2' }))).toEqual(['f1 s1', 'f1 s3']);
    expect(filesAndSets(withoutStop(kept, { file: null, setId: 's2' }))).toEqual(['f1 s2', 'f1 s1', 'f1 s3']);
  });
});
