import { isProblem, type WorkflowSaved, type WorkflowVersionSummary, type WorkflowVersionView, type WorkflowView } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AskFirst } from '../../components/AskFirst';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { useClient } from '../../lib/clientContext';
import { messageAt, pointerInWords } from '../../lib/definitionPlaces';
import { describeError, type Problem } from '../../lib/errors';
import { useFocusOnClose } from '../../lib/focus';
import { classifiedBefore, workflowSaveRefused } from '../../lib/lab';
import { whenInWords } from '../../lib/formats';
import { useLoaded } from '../../lib/useLoaded';
import { useSaid } from '../../lib/said';
import { CopyWorkflowForm } from './CopyWorkflow';
import { SaveAnswer, type SavedDefinition } from './DefinitionEditor';

/** The parts of a definition a version can change, as `changes.fields` names them (`/tasks/<key>` apart). */
const DEFINITION_PARTS = ['name', 'firstTask', 'retirement', 'selection', 'effects', 'tutorial', 'feedback'] as const;
const isDefinitionPart = (name: string): name is (typeof DEFINITION_PARTS)[number] => (DEFINITION_PARTS as readonly string[]).includes(name);

/**
 * The workflow's versions (`GET /workflows/:id/versions`), the newest first: when each was saved and by whom, the
 * classifications made under it, what it changed from the one before, and its definition to read (not to edit), from
 * which a new workflow can be started (`CopyWorkflowForm`) and which, for an earlier version, can be made current again:
 * saved as a new version, sending the ETag the edits hold (`etag`), the save told to them (`onRestored`).
 * Read again with each new read of the workflow (`workflow`), as after a save.
 */
export function WorkflowVersionsSection({ workflow, etag, onRestored }: { workflow: WorkflowView; etag: string | undefined; onRestored: (now: SavedDefinition, saved: WorkflowSaved) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.workflowVersions(workflow.id), [client, workflow]);
  const [shown, setShown] = useState<WorkflowVersionView | null>(null);
  const viewButtons = useRef(new Map<number, HTMLButtonElement>());
  const viewer = useRef<HTMLHeadingElement>(null);
  const [viewProblem, setViewProblem] = useSaid<Problem>();
  const [madeCurrent, setMadeCurrent] = useSaid<string>();
  // What the save that made it current answered besides (its warnings, a re-aggregation started), said with it.
  const [madeAnswer, setMadeAnswer] = useState<WorkflowSaved | null>(null);
  const madeCurrentNotice = useRef<HTMLParagraphElement>(null);
  // What making a version current again did is said while that version is the current one: not after a later save.
  const madeVersion = useRef<number | null>(null);
  useEffect(() => {
    if (madeVersion.current !== null && workflow.version > madeVersion.current) setMadeCurrent(null);
  }, [workflow.version]);
  const show = async (version: number) => {
    setViewProblem(null);
    setMadeCurrent(null);
    try {
      setShown(await client.getWorkflowVersion(workflow.id, version));
    } catch (error) {
      setViewProblem(() => describeError(error));
    }
  };
  // The keyboard goes on to what it opened, once it is on the page: set after an await, `shown` renders later than
  // the next animation frame may come, which then found no heading to focus.
  useEffect(() => {
    if (shown) viewer.current?.focus();
  }, [shown]);
  // The viewer it was pressed in closes: the keyboard goes on from what the save did.
  useEffect(() => {
    if (madeCurrent) madeCurrentNotice.current?.focus();
  }, [madeCurrent]);
  const restored = (from: number, now: SavedDefinition, saved: WorkflowSaved) => {
    setShown(null);
    const unchanged = saved.version === workflow.version;
    madeVersion.current = saved.version;
    setMadeAnswer(saved);
    setMadeCurrent((t) => (unchanged ? t('lab.versions.alreadyCurrent', { version: from }) : t('lab.versions.madeCurrent', { from, version: saved.version })));
    onRestored(now, saved);
  };
  const close = () => {
    const version = shown?.version;
    setShown(null);
    if (version !== undefined) viewButtons.current.get(version)?.focus();
  };
  return (
    <section className="lab-section" aria-labelledby="lab-versions-heading" data-testid="lab-versions">
      <h2 id="lab-versions-heading">{t('lab.versions.title')}</h2>
      <p className="field-hint">{t('lab.versions.hint')}</p>
      <ErrorAlert problem={problem} />
      {data && (
        <LabTable aria-labelledby="lab-versions-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.versions.version')}</th>
              <th scope="col">{t('lab.versions.saved')}</th>
              <th scope="col">{t('lab.versions.by')}</th>
              <th scope="col">{t('lab.versions.classifications')}</th>
              <th scope="col">{t('lab.versions.changed')}</th>
              <th scope="col">{t('lab.versions.definition')}</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((version) => (
              <tr key={version.version} data-version={version.version}>
                <th scope="row">{version.version}</th>
                <td>{whenInWords(version.createdAt)}</td>
                <td>{version.createdBy?.displayName ?? t('lab.versions.unknownAuthor')}</td>
                <td>{version.classifications}</td>
                <td>
                  <VersionChanges changes={version.changes} recomputed={classifiedBefore(data.versions, version.version) > 0} />
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-secondary"
                    ref={(button) => {
                      if (button) viewButtons.current.set(version.version, button);
                      else viewButtons.current.delete(version.version);
                    }}
                    aria-expanded={shown?.version === version.version}
                    aria-controls={shown?.version === version.version ? 'lab-version-definition' : undefined}
                    onClick={() => void (shown?.version === version.version ? close() : show(version.version))}
                  >
                    {shown?.version === version.version ? t('lab.versions.hide', { version: version.version }) : t('lab.versions.view', { version: version.version })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
      <ErrorAlert problem={viewProblem} />
      {shown && (
        <div id="lab-version-definition" data-testid="lab-version-definition">
          <h3 tabIndex={-1} ref={viewer}>
            {t('lab.versions.definitionOf', { version: shown.version })}
          </h3>
          {/* Read-only, yet focusable and selectable: the keyboard scrolls a long definition, and a part of it can be copied. */}
          <textarea className="lab-json" readOnly rows={16} aria-label={t('lab.versions.definitionOf', { version: shown.version })} value={JSON.stringify(shown.definition, null, 2)} />
          <div className="lab-actions">
            <button type="button" className="button button-secondary" onClick={close}>
              {t('lab.versions.close')}
            </button>
          </div>
          <VersionActions key={shown.version} workflow={workflow} shown={shown} etag={etag} onRestored={restored} />
        </div>
      )}
      <div role="status">
        {madeCurrent && madeAnswer && (
          <SaveAnswer saved={madeAnswer}>
            <p tabIndex={-1} ref={madeCurrentNotice} data-testid="lab-version-made-current">
              {madeCurrent}
            </p>
          </SaveAnswer>
        )}
      </div>
    </section>
  );
}

/**
 * What can be done with a version shown: made current again (an earlier one), asked first, the API's refusal said as
 * the editor says a save's (but for a save since the page read it); and a new workflow started from it.
 */
function VersionActions({ workflow, shown, etag, onRestored }: { workflow: WorkflowView; shown: WorkflowVersionView; etag: string | undefined; onRestored: (from: number, now: SavedDefinition, saved: WorkflowSaved) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [copying, setCopying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useSaid<Problem>();
  const restoreButton = useRef<HTMLButtonElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const focusRestoreOnClose = useFocusOnClose(asking, restoreButton);
  const focusCopyOnClose = useFocusOnClose(copying, copyButton);
  const restore = async () => {
    setBusy(true);
    try {
      const { saved, etag: now } = await client.updateWorkflowForEdit(workflow.id, shown.definition, etag);
      onRestored(shown.version, { definition: shown.definition, etag: now }, saved);
    } catch (error) {
      setAsking(false);
      // Someone saved since the page read it: there is no text of the researcher's here to keep, as the editor's wording says.
      if (isProblem(error, 'version-conflict', 412)) setProblem((t) => ({ detail: t('lab.versions.restoreConflict', { version: shown.version }), fields: [] }));
      else setProblem(() => workflowSaveRefused(error).form ?? describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <ErrorAlert problem={problem} focus />
      {asking ? (
        <AskFirst
          asked={{
            testId: 'lab-version-restore-question',
            question: t('lab.versions.restoreQuestion', { version: shown.version }),
            hint: t('lab.versions.restoreHint', { version: workflow.version + 1 }),
            confirm: t('lab.versions.restoreConfirm'),
            cancel: t('lab.versions.restoreCancel'),
          }}
          busy={busy}
          onConfirm={(event) => {
            event.preventDefault();
            if (!busy) void restore();
          }}
          onCancel={() => {
            focusRestoreOnClose();
            setAsking(false);
          }}
        />
      ) : (
        <div className="lab-actions">
          {shown.version !== workflow.version && (
            <button
              type="button"
              id="lab-version-restore"
              ref={restoreButton}
              className="button button-secondary"
              onClick={() => {
                setProblem(null);
                setAsking(true);
              }}
            >
              {t('lab.versions.restore', { version: shown.version })}
            </button>
          )}
          {!copying && (
            <button type="button" id="lab-version-copy-open" ref={copyButton} className="button button-secondary" onClick={() => setCopying(true)}>
              {t('lab.versions.copy', { version: shown.version })}
            </button>
          )}
        </div>
      )}
      {copying && (
        <CopyWorkflowForm
          id="lab-version-copy"
          workflow={workflow}
          version={shown.version}
          definition={shown.definition}
          onCancel={() => {
            focusCopyOnClose();
            setCopying(false);
          }}
        />
      )}
    </>
  );
}

/**
 * What a version changed from the one before, in words: the earlier version it has the definition of again (one made
 * current again), the parts of the definition, and, when there were answers to
 * compute again (`recomputed`), that consensus was computed again and what that did to them, each at its place in the
 * lab's words (never the API's pointers). A version saved before anyone answered warns of nothing.
 */
function VersionChanges({ changes, recomputed }: { changes: WorkflowVersionSummary['changes']; recomputed: boolean }) {
  const { t } = useTranslation();
  if (!changes) return <>{t('lab.versions.first')}</>;
  const part = (pointer: string) => {
    const task = /^\/tasks\/(.+)$/.exec(pointer);
    if (task) return t('lab.versions.parts.task', { key: task[1] });
    const name = pointer.slice(1);
    return isDefinitionPart(name) ? t(`lab.versions.parts.${name}`) : pointerInWords(pointer);
  };
  return (
    <>
      {changes.sameAs !== null && `${t('lab.versions.sameAs', { version: changes.sameAs })} `}
      {changes.fields.map(part).join(', ')}
      {recomputed && changes.consensus && <> {t('lab.versions.consensus')}</>}
      {recomputed && changes.warnings.length > 0 && (
        <ul>
          {changes.warnings.map((warning) => (
            <li key={warning.pointer + warning.message}>{messageAt(warning)}</li>
          ))}
        </ul>
      )}
    </>
  );
}
