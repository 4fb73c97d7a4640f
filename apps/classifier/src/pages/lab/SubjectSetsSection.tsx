import { bytesInWords, ChorusApiError, SUBJECT_CORRECTION_LIMITS, type SubjectSetSummary, type SubjectsAdded } from '@chorus/client';
import { CanvasTooLarge, ExternalIdRepeated, isIiifCollection } from '@chorus/tasks';
import { type MouseEvent, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, FormField, SelectField } from '../../components/FormField';
import { LabTable } from '../../components/LabTable';
import { useClient } from '../../lib/clientContext';
import { IIIF_ADDRESS_LIMITS, IiifFetchFailed, addressProblem, fetchIiifDocument, iiifUploadBody } from '../../lib/iiifAddress';
import { IIIF_FILE_LIMIT_BYTES, IIIF_PART_LIMITS, iiifAdded, iiifCutting } from '../../lib/iiifParts';
import { randomUuid } from '../../lib/ids';
import { isJsonFile, setNameRefused, setWithTakenName, uploadBody, uploadErrorInWords } from '../../lib/lab';
import { QuoteNeverClosed, RowTooLarge, SeparatorDiffers } from '../../lib/tableParts';
import { type Cut, type Cutting, FileChangedBeforeStop, type PartsSent, type StoppedUpload, type UploadPart, UploadStopped, sendInParts, sendWhole, sha256Of } from '../../lib/partsUpload';
import { useSession } from '../../lib/account';
import { session } from '../../lib/session';
import { KEY_KEPT_MS, type KeptStop, STOPS_STORED, type Stop, forgetStop, keepStop, keptStops, mayGoOnFrom, type SendingLock, sendingNow, stillKept, stopOfFile, stopsIntoGoneSets, stopsOf, whileSending } from '../../lib/stoppedUploads';
import { whenInWords } from '../../lib/formats';
import { TABLE_TYPES, tableAdded, tableCutting, utf8Text } from '../../lib/tableUpload';
import { Link, labSubjectSetPath } from '../../lib/router';
import { useAskBeforeLeaving } from '../../lib/reloadPage';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';

/** The project's subject sets with their subject counts (each a link to its page), and the upload of a file of subjects into one. */
export function SubjectSetsSection({ projectId, projectSlug }: { projectId: string; projectSlug: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.subjectSets(projectId), [client, projectId]);
  const sets = data?.subjectSets ?? null;
  return (
    <section className="lab-section" aria-labelledby="lab-sets-heading">
      <h2 id="lab-sets-heading">{t('lab.sets.title')}</h2>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {sets && (sets.length === 0 ? <p>{t('lab.sets.none')}</p> : <SubjectSetTable sets={sets} projectSlug={projectSlug} />)}
      <EmptySetForm projectId={projectId} onMade={reload} />
      <UploadForm projectId={projectId} sets={sets ?? []} setsLoaded={sets !== null} onUploaded={reload} />
    </section>
  );
}

function SubjectSetTable({ sets, projectSlug }: { sets: SubjectSetSummary[]; projectSlug: string }) {
  const { t } = useTranslation();
  return (
    <LabTable data-testid="lab-sets">
      <thead>
        <tr>
          <th scope="col">{t('lab.sets.name')}</th>
          <th scope="col">{t('lab.sets.subjects')}</th>
        </tr>
      </thead>
      <tbody>
        {sets.map((set) => (
          <tr key={set.id} data-set-id={set.id}>
            <th scope="row">
              <Link to={labSubjectSetPath(projectSlug, set.id)}>{set.name}</Link>
            </th>
            <td>{set.subjects}</td>
          </tr>
        ))}
      </tbody>
    </LabTable>
  );
}

/**
 * A set made with no subjects: the target of a workflow's effect (the later stage of a project that routes subjects),
 * which its effect fills, or a set to upload into later.
 */
function EmptySetForm({ projectId, onMade }: { projectId: string; onMade: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [made, setMade] = useState<string | null>(null);
  const form = useForm({ emptyName: '' }, ['emptyName'] as const);
  const submit = form.onSubmit({
    check: (t) => (form.values.emptyName.trim() ? {} : { emptyName: t('lab.sets.emptyNameMissing') }),
    send: async () => {
      setMade(null);
      const set = await client.createSubjectSet(projectId, { name: form.values.emptyName.trim() });
      form.reset();
      setMade(set.name);
      onMade();
    },
    refused: (error) => {
      const refusal = setNameRefused(error);
      return { fields: refusal.fields.name ? { emptyName: refusal.fields.name } : {}, form: refusal.form };
    },
  });
  return (
    <>
      <h3 id="lab-empty-set-heading">{t('lab.sets.emptyTitle')}</h3>
      <p>{t('lab.sets.emptyLead')}</p>
      <ErrorAlert problem={form.problem} focus />
      <div role="status" data-testid="lab-empty-set-result">
        {made && <p className="notice lab-result">{t('lab.sets.emptyMade', { set: made })}</p>}
      </div>
      <form className="account-form" noValidate aria-labelledby="lab-empty-set-heading" onSubmit={(event) => void submit(event)}>
        <FormField id="lab-empty-set-name" label={t('lab.sets.emptyName')} maxLength={200} {...form.field('emptyName')} />
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {t('lab.sets.emptySubmit')}
        </button>
      </form>
    </>
  );
}

/**
 * The refusal of a file over the server's limit on a body's bytes (not the one on subjects per upload, which the API
 * names as a field): the limit as people read it, and into how many files at least to split the file.
 */
function tooLarge({ problem }: ChorusApiError, file: File | undefined) {
  if (problem.limitBytes === undefined) return { size: '?', parts: 2 };
  return { size: bytesInWords(problem.limitBytes), parts: Math.max(2, Math.ceil((file?.size ?? 0) / problem.limitBytes)) };
}

/**
 * A size in MiB or KiB to a tenth, in the page's number format, for one that `bytesInWords` cannot give exactly:
 * rounded up (a row's, so that one over the limit never reads as the limit) or down (a limit's).
 */
function roundedSize(bytes: number, language: string, round: (tenths: number) => number): string {
  const unit = ([['MiB', 1024 ** 2], ['KiB', 1024]] as const).find(([, size]) => bytes >= size);
  if (!unit) return bytesInWords(bytes);
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(round((bytes / unit[1]) * 10) / 10)} ${unit[0]}`;
}

/** A row (or canvas) over the limit and the limit, each in words: the limit exactly where it is a whole number of MiB or KiB. */
function rowAndLimit({ bytes, limit }: { bytes: number; limit: number }, language: string) {
  const exact = bytesInWords(limit);
  return { size: roundedSize(bytes, language, Math.ceil), limit: exact.endsWith(' bytes') ? roundedSize(limit, language, Math.floor) : exact };
}

/** A table the lab refuses before sending a part of it, said as the API's refusal of the whole file would be (its errors under "what to correct"), or null. */
function refusedBeforeSending(thrown: unknown, t: TFunction) {
  if (thrown instanceof QuoteNeverClosed) return { fields: {}, form: { detail: t('errors.invalid'), fields: [thrown.message] } };
  if (thrown instanceof ExternalIdRepeated) return { fields: {}, form: { detail: t('errors.invalid'), fields: thrown.errors.map(uploadErrorInWords) } };
  if (thrown instanceof RowTooLarge) return { fields: {}, form: { detail: t('lab.upload.parts.rowTooLarge', { line: thrown.line, ...rowAndLimit(thrown, i18n.language) }), fields: [] } };
  if (thrown instanceof CanvasTooLarge) return { fields: {}, form: { detail: t('lab.upload.parts.canvasTooLarge', { canvas: thrown.canvas, manifest: thrown.manifest, ...rowAndLimit(thrown, i18n.language) }), fields: [] } };
  if (thrown instanceof SeparatorDiffers) return { fields: {}, form: { detail: t('lab.upload.parts.separatorDiffers', { first: thrown.part.firstLine, last: thrown.part.lastLine }), fields: [] } };
  return null;
}

/**
 * Where an upload in parts stopped, in words: the lines of the file (the subjects of the document) added, those not,
 * and what "Try again" does (for rows without ids, that the file sent whole again would add the added ones twice).
 */
function stoppedInWords({ upload: { sent, at, withIds }, kind }: Stop, t: TFunction): string {
  if (kind === 'iiif') return t('lab.upload.parts.iiifStopped', { added: sent.rows, count: sent.total, first: at });
  const added = t('lab.upload.parts.added', { count: sent.rows, first: sent.places?.first, last: sent.places?.last });
  const notAdded = t('lab.upload.parts.notAdded', { count: sent.total - sent.rows, first: at });
  const again = withIds ? t('lab.upload.parts.again', { line: at }) : t('lab.upload.parts.againWithoutIds', { count: sent.rows, line: at });
  return `${added} ${notAdded} ${again}`;
}

/**
 * A stop kept on this device of the file chosen, in words: at which subject of how many (a table's line too) it
 * stopped, or was interrupted (its page gone while sending), when, into which set; for rows without ids, that the
 * file started again would add those before it twice.
 */
function keptInWords({ stoppedAt, sending, stop }: KeptStop, set: string, t: TFunction): string {
  const { sent, at, withIds } = stop.upload;
  const where = { set, first: sent.rows + 1, total: sent.total, date: whenInWords(stoppedAt) };
  if (stop.kind === 'iiif') return sending ? t('lab.upload.kept.interruptedAt', where) : t('lab.upload.kept.stoppedAt', where);
  const said = sending ? t('lab.upload.kept.interruptedAtLine', { ...where, line: at }) : t('lab.upload.kept.stoppedAtLine', { ...where, line: at });
  if (withIds) return said;
  // The API forgets a key after a day: the part whose answer may have been lost, sent again, is then added anew.
  if (Date.now() - stoppedAt <= KEY_KEPT_MS) return `${said} ${t('lab.upload.kept.withoutIds')}`;
  const keyForgotten = sending ? t('lab.upload.kept.interruptedKeyForgotten', { line: at }) : t('lab.upload.kept.keyForgotten', { line: at });
  return `${said} ${t('lab.upload.kept.withoutIds')} ${keyForgotten}`;
}

/** What the form knows of an upload in parts before it stops: of which kind, into which set, read from where. */
type StopWhere = Omit<Stop, 'upload' | 'contentType' | 'file'>;

/** An upload in parts that stopped at a part, as the form says it (`Stop`), and why. */
class PartsStopped extends Error {
  constructor(
    readonly stop: Stop,
    readonly refusal: unknown,
  ) {
    super('upload stopped at a part');
  }
}

/**
 * An upload sent whole, or the first part of one in parts, got no answer: it may have been added (sent again, it goes
 * with its key).
 */
class AnswerLost extends Error {
  constructor(
    readonly lost: TypeError,
    readonly fromAddress: boolean,
    readonly whole: boolean,
  ) {
    super('the answer to an upload was lost');
  }
}

/** A stop kept that was offered, gone from this device since (another page sent it to its end, started it again, or stopped it again). */
class StopGone extends Error {
  constructor() {
    super('the stop offered is no longer kept');
  }
}

/** An upload tried again that differs before where it stopped, in words: the file chosen, or the document at the address. */
function changedBeforeInWords(at: number, stop: Stop | null, t: TFunction): string {
  if (stop?.kind !== 'iiif') return t('lab.upload.parts.changedBefore', { line: at });
  return stop.address ? t('lab.upload.parts.iiifAddressChangedBefore', { first: at, address: stop.address }) : t('lab.upload.parts.iiifChangedBefore', { first: at });
}

/**
 * A document read from its address that the API takes as too large (a 413), or with a canvas over the lower limit a
 * 413 named (`CanvasTooLarge`): said as the address's, with the limit, not as a file's; any other error as it is.
 */
function tooLargeAtAddress(error: unknown, address: string, collection: boolean): unknown {
  const limitBytes = error instanceof CanvasTooLarge ? error.limit : error instanceof ChorusApiError && error.status === 413 ? error.problem.limitBytes : null;
  if (limitBytes === null) return error;
  return new IiifFetchFailed('tooLarge', address, { limitBytes, ...(collection ? { collection: address } : {}) });
}

/** Whether an upload's media type is JSON's (a IIIF document, or a JSON file of subjects). */
const isJson = (contentType: string) => contentType === 'application/json' || contentType === 'application/ld+json';

/** A IIIF document chosen as files (one or several), larger than the lab reads to cut in parts (`IIIF_FILE_LIMIT_BYTES`): refused before it is read. */
class DocumentTooLarge extends Error {
  constructor(
    readonly bytes: number,
    readonly files: number,
  ) {
    super('a IIIF document larger than the lab reads');
  }
}

/** Throws `DocumentTooLarge` for JSON files chosen whose sizes together are over what the lab reads: known without reading them. */
function documentWithinLimit(chosen: readonly File[]): void {
  const bytes = chosen.reduce((sum, one) => sum + one.size, 0);
  if (bytes > IIIF_FILE_LIMIT_BYTES) throw new DocumentTooLarge(bytes, chosen.length);
}

/** The set chosen for an upload: a new one (named in the form) or one of the project's. */
const NEW_SET = 'new';
const UPLOAD_FIELDS = ['set', 'name', 'file', 'address', 'reason'] as const;

/**
 * Why a IIIF document read from its address failed, in the researcher's words: a collection's member that could not
 * be read says which, and that nothing was added; a cap (of members, of bytes) is said as a cap, not as a failure.
 */
function fetchFailedInWords(error: IiifFetchFailed, t: TFunction): string {
  const { address, failure, detail } = error;
  const { collection } = detail;
  const size = bytesInWords(detail.limitBytes ?? IIIF_ADDRESS_LIMITS.bytes);
  if (failure === 'tooManyMembers') return t('lab.upload.address.tooManyMembers', { collection, count: IIIF_ADDRESS_LIMITS.members });
  if (failure === 'tooLarge') return collection ? t('lab.upload.address.collectionTooLarge', { collection, size }) : t('lab.upload.address.tooLarge', { address, size });
  const words = {
    unreachable: () => t('lab.upload.address.unreachable', { address }),
    status: () => t('lab.upload.address.status', { address, status: detail.status }),
    notUtf8: () => t('lab.upload.address.notUtf8', { address }),
    notJson: () => t('lab.upload.address.notJson', { address }),
    notIiif: () => t('lab.upload.address.notIiif', { address }),
    timedOut: () => t('lab.upload.address.timedOut', { address, seconds: IIIF_ADDRESS_LIMITS.timeoutMs / 1000 }),
    memberNotWeb: () => t('lab.upload.address.memberNotWeb', { address }),
  }[failure]();
  return collection ? `${t('lab.upload.address.memberFailed', { collection })} ${words}` : words;
}

/**
 * A file of subjects (CSV, text corpus, IIIF manifest or JSON), or several IIIF manifests in one request (`uploadBody`),
 * into a new set or an existing one. The API's answer is said in a status region (with each manifest's count); its
 * refusal lists every subject and row it names, the summary focused. A new set made for an upload that is then refused
 * stays chosen, so that the corrected file goes into it.
 */
function UploadForm({ projectId, sets, setsLoaded, onUploaded }: { projectId: string; sets: SubjectSetSummary[]; setsLoaded: boolean; onUploaded: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  /** The stops kept on this device that this page offers: its project's, sent by the account signed in. */
  const stopsHere = { project: projectId, userId: useSession().userId };
  const fileInput = useRef<HTMLInputElement | null>(null);
  const [added, setAdded] = useState<{ result: SubjectsAdded; set: string } | null>(null);
  /** A table or IIIF document sent in parts: how far it is, while it is sent. */
  const [sending, setSending] = useState<Pick<PartsSent, 'rows' | 'total'> | null>(null);
  // A page closed while parts go out interrupts the upload (kept, to go on from with the file chosen again): asked first.
  useAskBeforeLeaving(sending !== null);
  /**
   * The `Idempotency-Key` of each part of an upload in parts, and of an upload sent whole, by what it sent: sent again,
   * what was already added adds nothing twice.
   */
  const partKeys = useRef(new Map<string, string>());
  /** An upload in parts that stopped at a part: "Try again" goes on from that part. */
  const [stopped, setStopped] = useState<Stop | null>(null);
  /** The stop of an upload of the file chosen kept on this device (`keepStop`): offered to continue from, or to start again. */
  const [kept, setKept] = useState<KeptStop | null>(null);
  const form = useForm({ set: NEW_SET, name: '', file: '', address: '', reason: '' }, UPLOAD_FIELDS);
  /** How far an add from an address is: reading its document, one of its collection's members (the n-th), or sending what was read. */
  const [reading, setReading] = useState<{ stage: 'document' | 'sending'; address: string } | { stage: 'member'; n: number; address: string } | null>(null);
  /** The file gives subjects already in the project new addresses (`replaceLocations`), with the reason. */
  const [correcting, setCorrecting] = useState(false);
  const files = () => [...(fileInput.current?.files ?? [])];
  const file = () => files()[0];
  /** The set this submit made, whose making a refusal of the file then does not undo: the refusal says so. */
  const madeNow = useRef<string | null>(null);
  /** The project's set that has the name given for a new one: offered as the file's set instead. */
  const [taken, setTaken] = useState<{ id: string; name: string } | null>(null);
  /** The set chosen by "Upload into …": the file's set even while the list of sets (reloaded then) does not have it yet. */
  const chosenTaken = useRef<{ id: string; name: string } | null>(null);
  /** Uploads started on this page (sent, or gone on from a stop): a stop found for a file chosen before one started is offered no more. */
  const uploadsStarted = useRef(0);
  /** Where an upload's progress is said: the focus goes there when "Try again" (which goes with its refusal) is pressed. */
  const statusRef = useRef<HTMLDivElement | null>(null);
  const uploadIntoTaken = (set: { id: string; name: string }) => {
    chosenTaken.current = set;
    form.setValue('set', set.id);
    setTaken(null);
    onUploaded();
    document.getElementById('lab-upload-set')?.focus();
  };
  const nameField = form.field('name');
  /** Another name: the set that had the one refused is offered no more. */
  const renamed = (event: { target: { value: string } }) => {
    setTaken(null);
    nameField.onChange(event);
  };

  /** "Start again" of a stop kept: its set, chosen in the form too, before the form has re-rendered with it. */
  const startAgainInto = useRef<string | null>(null);
  const chosenSet = () => startAgainInto.current ?? form.values.set;
  const targetSet = async (): Promise<{ id: string; name: string }> => {
    const existing = sets.find((set) => set.id === chosenSet()) ?? (chosenTaken.current?.id === chosenSet() ? chosenTaken.current : undefined);
    if (existing) return existing;
    const created = await client.createSubjectSet(projectId, { name: form.values.name.trim() });
    madeNow.current = created.name;
    form.setValue('set', created.id);
    onUploaded();
    return created;
  };
  /**
   * The refusal, said true: a set made for the file stays (empty, or holding a first part whose answer was lost), so
   * "changed nothing" would not be.
   */
  const refusal = (thrown: unknown, t: TFunction) => {
    if (thrown instanceof DocumentTooLarge) {
      const said = { size: roundedSize(thrown.bytes, i18n.language, Math.ceil), limit: bytesInWords(IIIF_FILE_LIMIT_BYTES) };
      return { fields: { file: thrown.files > 1 ? t('lab.upload.documentsTooLarge', said) : t('lab.upload.documentTooLarge', said) }, form: null };
    }
    if (thrown instanceof StopGone) return { fields: {}, form: { detail: t('lab.upload.kept.gone'), fields: [] } };
    if (thrown instanceof FileChangedBeforeStop) {
      const stop = [stopped, kept?.stop].find((one) => one?.upload === thrown.stopped) ?? null;
      return { fields: {}, form: { detail: changedBeforeInWords(thrown.stopped.at, stop, t), fields: [] } };
    }
    const set = madeNow.current;
    if (thrown instanceof AnswerLost && (set || thrown.whole)) {
      const button = thrown.fromAddress ? t('lab.upload.address.submit') : t('lab.upload.submit');
      const detail = !thrown.whole ? t('lab.upload.parts.madeAnswerLost', { set, button }) : set ? t('lab.upload.madeAnswerLost', { set, button }) : t('lab.upload.answerLost', { button });
      return { fields: {}, form: { detail, fields: [] } };
    }
    const partStopped = thrown instanceof PartsStopped ? stoppedInWords(thrown.stop, t) : null;
    const error = thrown instanceof PartsStopped ? thrown.refusal : thrown instanceof AnswerLost ? thrown.lost : thrown;
    if (error instanceof IiifFetchFailed) return { fields: { address: fetchFailedInWords(error, t) }, form: partStopped ? { detail: partStopped, fields: [] } : null };
    setTaken(setWithTakenName(error));
    const refused =
      refusedBeforeSending(error, t) ??
      (error instanceof ChorusApiError && error.status === 413 ? { fields: {}, form: { detail: t('lab.upload.tooLarge', tooLarge(error, file())), fields: [] } } : setNameRefused(error, { upload: true }));
    // Said true: parts before it were added, so the API's "changed nothing" (of the part) would not be.
    if (partStopped && refused.form) {
      return { ...refused, form: { ...refused.form, detail: `${partStopped} ${refused.form.fields.length ? t('lab.upload.whatToCorrect') : refused.form.detail}` } };
    }
    const made = madeNow.current;
    if (!made || !refused.form) return refused;
    return { ...refused, form: { ...refused.form, detail: `${t('lab.upload.madeEmpty', { set: made })} ${refused.form.fields.length ? t('lab.upload.whatToCorrect') : refused.form.detail}` } };
  };
  /**
   * Sends an upload in parts (from where `from.previous` stopped, if given: `from.offered`, the stop kept on this device
   * it was offered as, unless another page went on from it meanwhile), saying how far it is while it has several;
   * where it stops, remembers from where to go on (`Stop`), on this device too for a file's (`from.text`, by its
   * SHA-256: `keepStop`; there before each part goes out too, should the page go away, while it holds its lock:
   * `whileSending`), and forgets it there once the file is sent to its end. The parts' answers together.
   */
  const inParts = async <P extends UploadPart>(cutting: Cutting<P>, where: StopWhere, upload: { setId: string; replacing?: ReturnType<typeof replacingChosen>; cut?: Cut<P> }, from: { text?: string; previous?: Stop; offered?: KeptStop }): Promise<PartsSent> => {
    const { text, previous, offered } = from;
    const file = text === undefined ? null : await sha256Of(text);
    // Kept while its part went out, a stop knows not what the file has before it, only the whole file's SHA-256.
    if (previous?.upload.before === null && previous.file !== file) throw new FileChangedBeforeStop(previous.upload);
    const { userId } = stopsHere;
    const stopAt = (stopped: StoppedUpload): Stop => ({ ...where, contentType: cutting.contentType, upload: stopped, ...(file ? { file } : {}) });
    /**
     * Where a file's upload is, kept on this device: before each part goes out (`sending`, should the page go away), and
     * where it stopped; by the account that sent it while it is signed in (signed out in any page, it keeps none).
     */
    let keptSending = false;
    const keep = (stop: Stop, sending: boolean) => {
      if (!file || !userId || session.current().userId !== userId) return;
      keptSending = sending;
      keepStop({ project: projectId, userId, stoppedAt: Date.now(), ...(sending ? { sending } : {}), stop: { ...stop, file } });
    };
    const send = async (lock: SendingLock) => {
      if (offered && !mayGoOnFrom(offered, lock, keptStops())) throw new StopGone();
      // Kept as going on only by the page holding its lock: another page would offer it as interrupted while it is sent.
      const keeping = lock === 'held' ? { sending: (at: StoppedUpload) => keep(stopAt(at), true) } : {};
      try {
        const sent = await sendInParts(client, cutting, { ...upload, stopped: previous?.upload, keys: partKeys.current, newKey: randomUuid, ...keeping }, (far) => setSending(far.partsInAll > 1 ? far : null));
        setStopped(null);
        if (previous?.file) forgetStop({ file: previous.file, setId: upload.setId });
        // Sent to its end (gone on from a stop, started again, or sent in another page too): done with it.
        if (file) forgetStop({ file, setId: upload.setId });
        return sent;
      } catch (error) {
        // Refused with nothing added: not interrupted, nor stopped part-way (no answer to its first part, it may have been added: kept).
        if (!(error instanceof UploadStopped) && !(error instanceof TypeError) && keptSending && file) forgetStop({ file, setId: upload.setId });
        // No answer to the first part: it may have been added, and goes again with its key (`partKeys`) if sent again.
        if (error instanceof TypeError) throw new AnswerLost(error, where.address !== undefined, false);
        if (!(error instanceof UploadStopped)) throw error;
        const stopHere = stopAt(error.stopped);
        setStopped(stopHere);
        if (previous?.file) forgetStop({ file: previous.file, setId: upload.setId });
        keep(stopHere, false);
        throw new PartsStopped(stopHere, error.refusal);
      } finally {
        setSending(null);
        onUploaded();
      }
    };
    return file ? whileSending({ file, setId: upload.setId }, send) : send('none');
  };
  /** Sends a table in parts (a file of one part in one), from where `previous` stopped if given. */
  const tableSent = async (text: string, contentType: string, set: { id: string; name: string }, replacing: ReturnType<typeof replacingChosen>, previous?: Stop, offered?: KeptStop) =>
    tableAdded(await inParts(tableCutting(text, contentType), { kind: 'table', set: set.name }, { setId: set.id, replacing }, { text, previous, offered }));
  /**
   * Sends an upload whole with its key (`sendWhole`): no answer is `AnswerLost` (it may have been added; sent again,
   * it goes with the same key).
   */
  const wholeSent = (set: { id: string }, body: Blob | string, contentType: string, replacing: ReturnType<typeof replacingChosen>, from: { address?: string; fileName?: string }) =>
    sendWhole(client, { setId: set.id, replacing, keys: partKeys.current, newKey: randomUuid }, body, contentType, from.fileName).catch((error: unknown) => {
      throw error instanceof TypeError ? new AnswerLost(error, from.address !== undefined, true) : error;
    });
  /**
   * Sends a IIIF document (a manifest, a collection, a list of manifests) through the parts loop (`iiifCutting`: in one
   * part when it fits one upload, else in parts, cut again under a lower limit a 413 names), or goes on from where it
   * stopped, saying how far it is; null when it goes whole, as any upload: what the lab cannot cut (not IIIF, or what
   * only the API can judge). A document read from an address too large even so is said as the address's.
   */
  const iiifPartsSent = async (text: string, set: { id: string; name: string }, replacing: ReturnType<typeof replacingChosen>, from: { address?: string; collection?: boolean; previous?: Stop; offered?: KeptStop }): Promise<SubjectsAdded | null> => {
    const cutting = iiifCutting(text);
    const { address, previous, offered } = from;
    const cut = previous ? undefined : cutting.cut(IIIF_PART_LIMITS.bytes, 0);
    if (cut && !cut.rows) return null;
    // A document read from its address is not kept on this device: the file chosen again is what a kept stop knows.
    const sent = await inParts(cutting, { kind: 'iiif', set: set.name, ...(address ? { address } : {}) }, { setId: set.id, replacing, cut }, { previous, offered, ...(address ? {} : { text }) }).catch((error: unknown) => {
      if (!address) throw error;
      // Stopped part-way, some subjects were added: not "nothing was added" of a collection.
      if (error instanceof PartsStopped) throw new PartsStopped(error.stop, tooLargeAtAddress(error.refusal, address, false));
      throw tooLargeAtAddress(error, address, from.collection ?? false);
    });
    return iiifAdded(sent, cutting);
  };
  /**
   * The text of the IIIF document chosen as files (several: a list of their manifests, `body` when already made),
   * unless larger than the lab reads (`DocumentTooLarge`, before any file is read); null if not UTF-8.
   */
  const chosenDocument = async (chosen: readonly File[], body?: Blob | string): Promise<string | null> => {
    documentWithinLimit(chosen);
    const read = body ?? (await uploadBody(chosen)).body;
    return typeof read === 'string' ? read : await utf8Text(read);
  };
  /**
   * The files chosen as an upload sends them: their body, and the text of a table or of a JSON document (which may be
   * IIIF), which may go in parts.
   */
  const chosenUpload = async (chosen: readonly File[]) => {
    // Several files are read to make their list: their sizes are compared first.
    if (chosen.length > 1) documentWithinLimit(chosen);
    // The file's bytes, not text the browser decoded: a file in another charset than UTF-8 (Excel's on Windows) is
    // refused by the API, saying so, rather than stored with its accents replaced.
    const upload = await uploadBody(chosen);
    // IIIF manifests longer than one upload takes go in parts too (a JSON file of { subjects } is never longer).
    const json = isJson(upload.contentType) ? await chosenDocument(chosen, upload.body) : null;
    // A table longer than one upload takes goes in parts; one that is not UTF-8 goes as it is, for the API to refuse.
    const table = chosen.length === 1 && TABLE_TYPES.includes(upload.contentType) ? await utf8Text(chosen[0]!) : null;
    return { ...upload, json, table };
  };
  /** A IIIF manifest or collection read from its address, with the members it names by address, saying how far the reading is. */
  const readAddress = async (address: string) => {
    setReading({ stage: 'document', address });
    const top = await fetchIiifDocument(address, IIIF_ADDRESS_LIMITS.bytes);
    const body = await iiifUploadBody(top, (member, bytes) => fetchIiifDocument(member, bytes), IIIF_ADDRESS_LIMITS, (n, member) => setReading({ stage: 'member', n, address: member }));
    setReading({ stage: 'sending', address });
    return { top, body };
  };
  /** What any upload, of a file or from an address, needs besides what it sends: a new set's name, a correction's reason. */
  const uploadChecked = (t: TFunction) => ({
    ...(chosenSet() === NEW_SET && !form.values.name.trim() ? { name: t('lab.upload.nameMissing') } : {}),
    ...(correcting && !form.values.reason.trim() ? { reason: t('lab.upload.reasonMissing') } : {}),
  });
  /** A new upload: what the last one said is said no more. */
  const uploadStarts = () => {
    uploadsStarted.current += 1;
    setAdded(null);
    setTaken(null);
    setStopped(null);
    madeNow.current = null;
  };
  const replacingChosen = () => (correcting ? { replaceLocations: true as const, reason: form.values.reason.trim() } : undefined);
  const submit = form.onSubmit({
    check: (t) => ({
      ...uploadChecked(t),
      ...(file() ? {} : { file: t('lab.upload.fileMissing') }),
      ...(files().length > 1 && !files().every(isJsonFile) ? { file: t('lab.upload.severalNotManifests') } : {}),
    }),
    send: async () => {
      uploadStarts();
      // Sent from its start: the stop kept of the file is offered no more ("Start again").
      if (kept) forgetStop({ file: kept.stop.file, setId: kept.stop.upload.setId });
      setKept(null);
      const { body, contentType, fileName, json, table } = await chosenUpload(files());
      const set = await targetSet();
      const replacing = replacingChosen();
      const sentInParts = table === null ? null : await tableSent(table, contentType, set, replacing);
      const iiifInPartsSent = json === null ? null : await iiifPartsSent(json, set, replacing, {});
      const result = sentInParts ?? iiifInPartsSent ?? (await wholeSent(set, body, contentType, replacing, { fileName }));
      setAdded({ result, set: set.name });
      onUploaded();
    },
    refused: refusal,
  });
  /**
   * Subjects from a IIIF manifest or collection at an address: read by the browser (with the members a collection
   * names by address), then sent as a manifest file is, into the set chosen; nothing is sent if anything failed.
   */
  const addFromAddress = form.onSubmit({
    check: (t) => {
      const problem = addressProblem(form.values.address);
      return {
        ...uploadChecked(t),
        ...(problem === 'missing' ? { address: t('lab.upload.address.missing') } : {}),
        ...(problem === 'notWeb' ? { address: t('lab.upload.address.notWeb') } : {}),
      };
    },
    send: async () => {
      uploadStarts();
      const address = form.values.address.trim();
      try {
        const { top, body } = await readAddress(address);
        const set = await targetSet();
        const inParts = await iiifPartsSent(body, set, replacingChosen(), { address, collection: isIiifCollection(top.document) });
        if (inParts) {
          setAdded({ result: inParts, set: set.name });
          return;
        }
        const result = await wholeSent(set, body, 'application/json', replacingChosen(), { address }).catch((error: unknown) => {
          throw tooLargeAtAddress(error, address, isIiifCollection(top.document));
        });
        setAdded({ result, set: set.name });
        onUploaded();
      } finally {
        setReading(null);
      }
    },
    refused: refusal,
  });
  /**
   * Goes on from where an upload in parts stopped, from the part it stopped at: "Try again" after this page's stop, or
   * "Continue from there" of one kept on this device; the file chosen (corrected, or the same), or the address read again.
   */
  const goOnFrom = (stop: Stop | null, offered?: KeptStop) =>
    form.onSubmit({
      check: (t) => (file() || stop?.address ? {} : { file: t('lab.upload.fileMissing') }),
      send: async () => {
        if (!stop) return;
        uploadsStarted.current += 1;
        // Offered before another page went on from it (or stopped it again): going on would send its rows twice (checked again holding its lock: `inParts`).
        if (offered && !stillKept(keptStops(), offered)) {
          setKept(null);
          throw new StopGone();
        }
        // The button goes with the refusal (or the offer) it is in: the focus goes where the progress is said, not to the page's start.
        statusRef.current?.focus();
        setAdded(null);
        setKept(null);
        const { upload, kind, address } = stop;
        const set = { id: upload.setId, name: stop.set };
        try {
          const text = address ? (await readAddress(address)).body : kind === 'iiif' ? await chosenDocument(files()) : await utf8Text(file()!);
          if (text === null) throw new FileChangedBeforeStop(upload);
          const result = kind === 'iiif' ? await iiifPartsSent(text, set, upload.replacing, { address, previous: stop, offered }) : await tableSent(text, stop.contentType, set, upload.replacing, stop, offered);
          if (result) setAdded({ result, set: stop.set });
        } finally {
          setReading(null);
        }
      },
      refused: refusal,
    });
  const tryAgain = goOnFrom(stopped);
  const continueKept = goOnFrom(kept?.stop ?? null, kept ?? undefined);
  /** "Start again" of a stop kept: the file sent from its start into the stop's set (chosen in the form too), not the one chosen before. */
  const startAgain = (event: MouseEvent) => {
    if (!kept) return;
    const { setId } = kept.stop.upload;
    startAgainInto.current = setId;
    form.setValue('set', setId);
    void submit(event).finally(() => {
      startAgainInto.current = null;
    });
  };
  // Another page went on from the stop offered, started it again or stopped it again: offered no more.
  useEffect(() => {
    if (!kept) return;
    const stale = (event: StorageEvent) => {
      if ((event.key === null || event.key === STOPS_STORED) && !stillKept(keptStops(), kept)) setKept(null);
    };
    window.addEventListener('storage', stale);
    return () => window.removeEventListener('storage', stale);
  }, [kept]);
  /**
   * A file chosen: a stop kept on this device of its upload in this project (`keptStops`, by its text's SHA-256), into
   * the set chosen first, is offered to continue from, unless it is this page's own (its "Try again" says it).
   */
  const fileChosen = async () => {
    setKept(null);
    const chosen = files();
    const started = uploadsStarted.current;
    // A stop into a set deleted since has nothing to go on into: forgotten.
    if (setsLoaded) for (const gone of stopsIntoGoneSets(keptStops(), stopsHere, sets.map((set) => set.id))) forgetStop({ file: gone.stop.file, setId: gone.stop.upload.setId });
    if (!chosen.length || !stopsOf(keptStops(), stopsHere).length) return;
    const { json, table } = await chosenUpload(chosen).catch(() => ({ json: null, table: null }));
    const text = table ?? json;
    const digest = text === null ? null : await sha256Of(text);
    const found = digest === null ? null : stopOfFile(keptStops(), stopsHere, digest, form.values.set, await sendingNow());
    // Another file chosen meanwhile, an upload started since (it sends the file), or the stop this page says already.
    if (!found || files()[0] !== chosen[0] || uploadsStarted.current !== started || (stopped?.file === found.stop.file && stopped.upload.setId === found.stop.upload.setId)) return;
    setKept(found);
  };
  const { inputRef: fileRef, error: fileError } = form.field('file');
  return (
    <>
      <h3 id="lab-upload-heading">{t('lab.upload.title')}</h3>
      <p>{t('lab.upload.lead')}</p>
      <ErrorAlert problem={form.problem} focus>
        {stopped && (
          <button type="button" className="button button-secondary" data-testid="lab-upload-try-again" onClick={(event) => void tryAgain(event)}>
            {stopped.kind === 'iiif' ? t('lab.upload.parts.iiifTryAgain', { first: stopped.upload.at }) : t('lab.upload.parts.tryAgain', { line: stopped.upload.at })}
          </button>
        )}
      </ErrorAlert>
      <div role="status" data-testid="lab-upload-result" ref={statusRef} tabIndex={-1}>
        {reading?.stage === 'document' && <p>{t('lab.upload.address.reading', { address: reading.address })}</p>}
        {reading?.stage === 'member' && <p>{t('lab.upload.address.readingMember', { n: reading.n, max: IIIF_ADDRESS_LIMITS.members, address: reading.address })}</p>}
        {reading?.stage === 'sending' && <p>{t('lab.upload.address.sending')}</p>}
        {sending && <p data-testid="lab-upload-progress">{t('lab.upload.parts.progress', { count: sending.total, added: sending.rows })}</p>}
        {added && (
          <div className="notice lab-result">
            <p>
              {t('lab.upload.done', { count: added.result.addedToSet, set: added.set, created: added.result.created, existing: added.result.existing })}
              {added.result.updated > 0 && ` ${t('lab.upload.corrected', { count: added.result.updated })}`}
              {added.result.corrected > 0 && ` ${t('lab.upload.moved', { count: added.result.corrected })}`}
            </p>
            {(added.result.manifests?.length ?? 0) > 1 && (
              <ul data-testid="lab-upload-manifests">
                {/* A manifest's id is its key (two manifests with one id share canvas ids, which the API refuses), else its place. */}
                {added.result.manifests!.map((manifest, index) => (
                  <li key={manifest.id ?? index}>{t('lab.upload.manifest', { count: manifest.subjects, manifest: manifest.label ?? manifest.id ?? index + 1 })}</li>
                ))}
              </ul>
            )}
            {(added.result.repeatedManifests ?? 0) > 0 && <p data-testid="lab-upload-repeated-manifests">{t('lab.upload.manifestsRepeated', { count: added.result.repeatedManifests })}</p>}
            {/* The API's own words: how many images have no description, and how this kind of file gives one. */}
            {added.result.warnings?.map((warning) => (
              <p key={warning.message} data-testid="lab-upload-warning">
                {warning.message}
              </p>
            ))}
          </div>
        )}
      </div>
      <form className="account-form" noValidate aria-labelledby="lab-upload-heading" onSubmit={(event) => void submit(event)}>
        <SelectField id="lab-upload-set" label={t('lab.upload.set')} {...form.field('set')}>
          <option value={NEW_SET}>{t('lab.upload.newSet')}</option>
          {sets.map((set) => (
            <option key={set.id} value={set.id}>
              {set.name}
            </option>
          ))}
        </SelectField>
        {form.values.set === NEW_SET && <FormField id="lab-upload-name" label={t('lab.upload.name')} maxLength={200} {...nameField} onChange={renamed} />}
        {form.values.set === NEW_SET && taken && (
          <button type="button" id="lab-upload-into-taken" className="button button-secondary" onClick={() => uploadIntoTaken(taken)}>
            {t('lab.upload.intoExisting', { set: taken.name })}
          </button>
        )}
        <FormField
          id="lab-upload-file"
          type="file"
          label={t('lab.upload.file')}
          hint={t('lab.upload.fileHint')}
          accept=".csv,.tsv,.txt,.json,.jsonld,text/csv,text/plain,application/json,application/ld+json"
          multiple
          error={fileError}
          inputRef={(input) => {
            fileInput.current = input;
            fileRef(input);
          }}
          onChange={() => void fileChosen()}
        />
        <div role="status" data-testid="lab-upload-kept">
          {kept && !form.busy && (
            <div className="notice">
              <p>{keptInWords(kept, sets.find((one) => one.id === kept.stop.upload.setId)?.name ?? kept.stop.set, t)}</p>
              <button type="button" className="button button-secondary" data-testid="lab-upload-continue" onClick={(event) => void continueKept(event)}>
                {t('lab.upload.kept.continue')}
              </button>{' '}
              <button type="button" className="button button-secondary" data-testid="lab-upload-start-again" onClick={startAgain}>
                {t('lab.upload.kept.startAgain')}
              </button>
            </div>
          )}
        </div>
        <FormField
          id="lab-upload-address"
          type="url"
          label={t('lab.upload.address.label')}
          hint={t('lab.upload.address.hint', { members: IIIF_ADDRESS_LIMITS.members, size: bytesInWords(IIIF_ADDRESS_LIMITS.bytes) })}
          {...form.field('address')}
          onKeyDown={(event) => {
            // Enter in the address adds from it, not the file chosen (the form's own submit).
            if (event.key !== 'Enter') return;
            event.preventDefault();
            void addFromAddress(event);
          }}
        />
        <button type="button" id="lab-upload-address-submit" className="button button-secondary" aria-disabled={form.busy || undefined} onClick={(event) => void addFromAddress(event)}>
          {reading ? t('lab.upload.address.submitting') : t('lab.upload.address.submit')}
        </button>
        <CheckboxField id="lab-upload-correcting" label={t('lab.upload.correcting')} hint={t('lab.upload.correctingHint')} checked={correcting} onChange={(event) => setCorrecting(event.target.checked)} />
        {correcting && <FormField id="lab-upload-reason" label={t('lab.upload.reason')} maxLength={SUBJECT_CORRECTION_LIMITS.reasonLength} {...form.field('reason')} />}
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {form.busy && !reading ? t('lab.upload.submitting') : t('lab.upload.submit')}
        </button>
        {/* Seen, not said: the status above says how far it is. */}
        {sending && <progress className="lab-upload-progress" max={sending.total} value={sending.rows} aria-hidden="true" />}
      </form>
    </>
  );
}
