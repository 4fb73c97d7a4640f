import { useTranslation } from 'react-i18next';
import { whenInWords } from '../../lib/formats';

/** What the lab lists of a reported subject's or comment's reports. */
interface Reported {
  reasons: Partial<Record<string, number>>;
  notes: { reporter: string; note: string; reportedAt: string }[];
  reports: number;
  firstReportedAt: string;
  lastReportedAt: string;
}

/**
 * The cells a row of reported subjects or comments has alike: how many reports gave each reason (`reasons`, in their
 * order, each said by `reasonWord`), the reporters' notes, and when it was reported.
 */
export function ReportCells<Reason extends string>({ reported, reasons, reasonWord }: { reported: Reported; reasons: readonly Reason[]; reasonWord: (reason: Reason) => string }) {
  const { t } = useTranslation();
  return (
    <>
      <td>
        <ul className="lab-report-reasons">
          {reasons
            .filter((reason) => reported.reasons[reason])
            .map((reason) => (
              <li key={reason}>{t('lab.reports.reasonCount', { reason: reasonWord(reason), count: reported.reasons[reason] ?? 0 })}</li>
            ))}
        </ul>
      </td>
      <td>
        {reported.notes.length ? (
          <ul className="lab-report-notes">
            {reported.notes.map((note) => (
              <li key={`${note.reporter}-${note.reportedAt}`}>{t('subject.quoted', { text: note.note })}</li>
            ))}
          </ul>
        ) : (
          t('lab.reports.noNotes')
        )}
      </td>
      <td><ReportedWhen firstReportedAt={reported.firstReportedAt} lastReportedAt={reported.lastReportedAt} /></td>
    </>
  );
}

/**
 * When it was first and last reported (a new report, or one made again with other words or after a dismissal: one
 * report may span days), or the one moment when both read alike.
 */
function ReportedWhen({ firstReportedAt, lastReportedAt }: Pick<Reported, 'firstReportedAt' | 'lastReportedAt'>) {
  const { t } = useTranslation();
  const [first, last] = [whenInWords(firstReportedAt), whenInWords(lastReportedAt)];
  return <>{first === last ? last : t('lab.reports.between', { first, last })}</>;
}
