import type { SubjectClassification, SubjectResultDetail, TranscriptionWord } from '@chorus/client';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { tasksInOrder, VolunteerInWords } from './SubjectResultParts';
import { LabTable } from '../../components/LabTable';

/**
 * Each transcription task's consensus, line by line, its words that need checking marked (`<mark>`, with how many
 * volunteers agreed said in words, not by colour alone), beside each volunteer's own transcription of the
 * classifications shown: what to read against the subject to check it.
 */
export function TranscriptionCheck({ subject, classifications, name }: { subject: SubjectResultDetail; classifications: SubjectClassification[]; name: string }) {
  const transcribed = tasksInOrder(subject.consensus).flatMap(([task, consensus]) => (consensus.words ? [{ task, words: consensus.words }] : []));
  return (
    <>
      {transcribed.map(({ task, words }) => (
        <TaskCheck key={task} task={task} words={words} classifications={classifications} name={name} />
      ))}
    </>
  );
}

function TaskCheck({ task, words, classifications, name }: { task: string; words: TranscriptionWord[][]; classifications: SubjectClassification[]; name: string }) {
  const { t } = useTranslation();
  const heading = `lab-result-transcription-${task}`;
  // The team's tries in draft count toward nothing, so they are not set beside the consensus's words.
  const own = classifications.flatMap((classification) => {
    if (classification.madeInDraft) return [];
    const annotation = classification.annotations.find((answer) => answer.task === task);
    return typeof annotation?.value === 'string' ? [{ classification, text: annotation.value, unsure: annotation.unsure }] : [];
  });
  return (
    <section className="lab-section" aria-labelledby={heading} data-testid="lab-result-transcription" data-task={task}>
      <h2 id={heading}>{t('lab.result.transcription.title', { task })}</h2>
      <p>{t('lab.result.transcription.lead')}</p>
      <div className="lab-transcription" data-testid="lab-result-transcription-consensus">
        {words.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the consensus's lines, fixed for the page
          <p key={index} dir="auto">
            {line.map((word, at) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the line's words, fixed for the page
              <Fragment key={at}>
                {at > 0 && ' '}
                <ConsensusWord word={word} />
              </Fragment>
            ))}
          </p>
        ))}
      </div>
      {own.length > 0 && (
        <LabTable data-testid="lab-result-transcriptions">
          <caption>{t('lab.result.transcription.caption', { name, task })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('lab.result.transcription.volunteer')}</th>
              <th scope="col">{t('lab.result.transcription.text')}</th>
            </tr>
          </thead>
          <tbody>
            {own.map(({ classification, text, unsure }) => (
              <tr key={classification.id} data-classification-id={classification.id}>
                <th scope="row">
                  <VolunteerInWords classification={classification} />
                </th>
                <td className="lab-transcription-text" dir="auto">
                  {text}
                  {unsure && <span className="asked-for-check" data-testid="asked-for-check-mark"> ({t('recent.askedForCheck')})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
    </section>
  );
}

/** A consensus word; one that needs checking marked, with how many agreed on it for a screen reader too (its title for a pointer). */
function ConsensusWord({ word }: { word: TranscriptionWord }) {
  const { t } = useTranslation();
  if (!word.needsChecking) return <>{word.word}</>;
  const agreed = t('lab.result.transcription.agreed', { agreed: word.agreed, count: word.of });
  return (
    <mark className="lab-word-check" title={agreed}>
      <bdi>{word.word}</bdi>
      <span className="visually-hidden"> ({agreed})</span>
    </mark>
  );
}
