import type { ProposedTag } from '@chorus/client';
import { LIST_SEPARATOR, MOST_TAG_LENGTH, type TaggingAnnotation, appliedTags, proposedTagsShown, sameTag, taggingListsOf, tidyTag } from '@chorus/tasks';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languageAttributes, languageOf, useResearchersWords } from '../../lib/textLanguage';
import type { Saying } from '../../lib/said';
import { TaskHelp } from '../TaskHelp';
import type { TaskOf, TaskProps } from '../types';
import { useProposedTags } from './useProposedTags';

type Task = TaskOf<'tagging'>;

/**
 * Tagging: the tags other volunteers proposed for this subject (with their votes so far, unless the task says
 * otherwise: `proposedTagsShown`), a text field with the task's vocabulary as suggestions (a native datalist), Enter
 * or "Add" adds the tag; every tag on the list has "agree" and "disagree" toggles (up and down votes), and the
 * volunteer's own tags a "remove" button. Submits `{ add, up, down }`. A task that shows others' tags only after the
 * volunteer's own asks for them once the volunteer says so (a vote given on one says they did, on a return).
 */
export function TaggingTask({ task, id, value, onChange, setUnfinished, disabled, subject, workflowId, taskKey }: TaskProps<Task>) {
  const tags = taggingListsOf(value);
  const shown = proposedTagsShown(task);
  const [revealed, setRevealed] = useState(() => shown !== 'after-own-tags' || tags.up.length + tags.down.length > 0);
  const loaded = useProposedTags(workflowId, subject.id, taskKey, revealed);
  const proposed = loaded ?? [];
  // A tag the volunteer added themselves is theirs on the list, wherever others proposed it too.
  const proposedTags = proposed.map((each) => each.tag).filter((tag) => !tags.add.some((own) => sameTag(own, tag)));
  const [draft, setDraft] = useState('');
  /** What the last action did: a tag added or removed (done), or why it was not (refused), styled apart. */
  const [message, setMessage] = useState<{ say: Saying<string> | null; done: boolean }>({ say: null, done: false });
  const refuse = (say: Saying<string>) => setMessage({ say, done: false });
  const report = (say: Saying<string>) => setMessage({ say, done: true });
  const input = useRef<HTMLInputElement>(null);
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const vocabulary = task.vocabulary ?? [];

  // A tag typed but not added would be lost on Done: the classifier asks the volunteer to add it or clear it first.
  const typed = draft.trim();
  useEffect(() => {
    setUnfinished(typed ? (t) => t('tasks.tagging.notAddedYet', { tag: typed }) : null);
    return () => setUnfinished(null);
  }, [typed, setUnfinished]);

  const update = (next: Partial<TaggingAnnotation>) => {
    if (!disabled) onChange({ ...tags, ...next });
  };

  function add() {
    const tag = tidyTag(draft);
    if (!tag) {
      refuse((t) => t('tasks.tagging.typeFirst'));
      return;
    }
    if (tag.includes(LIST_SEPARATOR)) {
      refuse((t) => t('tasks.tagging.oneAtATime', { separator: LIST_SEPARATOR }));
      return;
    }
    // A tag from the vocabulary keeps the vocabulary's spelling, whatever case the volunteer typed.
    const known = vocabulary.find((word) => sameTag(word, tag));
    if (!known && task.vocabulary && !task.allowFreeTags) {
      refuse((t) => t('tasks.tagging.notInVocabulary', { tag }));
      return;
    }
    const final = (known ?? tag).slice(0, MOST_TAG_LENGTH);
    const listed = tags.add.find((existing) => sameTag(existing, final));
    if (listed) {
      // On the list already: nothing typed is lost by clearing the field, which would otherwise hold up Done.
      setDraft('');
      refuse((t) => t('tasks.tagging.duplicate', { tag: listed }));
      return;
    }
    // Another volunteer proposed it already: typing it agrees with their tag.
    const proposedAlready = proposedTags.find((existing) => sameTag(existing, final));
    if (proposedAlready) {
      if (!tags.up.includes(proposedAlready) && refusedVote('up')) return;
      update({ up: tags.up.includes(proposedAlready) ? tags.up : [...tags.up, proposedAlready], down: tags.down.filter((t) => t !== proposedAlready) });
      setDraft('');
      report((t) => t('tasks.tagging.agreedWithProposed', { tag: proposedAlready }));
      return;
    }
    if (refusedVote('up')) return;
    update({ add: [...tags.add, final] });
    setDraft('');
    report((t) => t('tasks.tagging.added', { tag: final }));
    input.current?.focus();
  }

  function remove(tag: string) {
    update({ add: tags.add.filter((t) => t !== tag), up: tags.up.filter((t) => t !== tag), down: tags.down.filter((t) => t !== tag) });
    report((t) => t('tasks.tagging.removed', { tag }));
    input.current?.focus();
  }

  /**
   * True, saying why, when one more tag applied (added or agreed with: 'up') or disagreed with ('down') would pass the
   * task's most tags (the answer would be refused).
   */
  function refusedVote(direction: 'up' | 'down'): boolean {
    const count = direction === 'up' ? appliedTags(tags).length : tags.down.length;
    if (count < task.maxTags) return false;
    refuse((t) => (direction === 'up' ? t('tasks.tagging.tooMany', { count: task.maxTags }) : t('tasks.tagging.tooManyAgainst', { count: task.maxTags })));
    return true;
  }

  function vote(tag: string, direction: 'up' | 'down') {
    const other = direction === 'up' ? 'down' : 'up';
    const on = tags[direction].includes(tag);
    if (!on && refusedVote(direction)) return;
    setMessage({ say: null, done: false }); // an earlier refusal no longer applies
    update({ [direction]: on ? tags[direction].filter((t) => t !== tag) : [...tags[direction], tag], [other]: tags[other].filter((t) => t !== tag) });
  }

  function reveal() {
    setRevealed(true);
    report((t) => t('tasks.tagging.othersShown'));
    input.current?.focus(); // the button is gone: the keyboard goes on from the field, before the list
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey && !event.nativeEvent.isComposing) {
      event.preventDefault(); // add the tag; do not submit the form
      add();
    }
  };
  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    add();
  };

  const listed = [...proposedTags, ...tags.add];
  const inputId = `${id}-tag`;
  const hintId = `${id}-keys`;
  return (
    <fieldset className="task task-tagging" aria-describedby={hintId}>
      <legend className="task-question" {...researchersWords}>{task.instruction}</legend>
      <div className="tag-entry">
        <label htmlFor={inputId}>{t('tasks.tagging.addLabel')}</label>
        <div className="tag-entry-row">
          <input
            ref={input}
            id={inputId}
            type="text"
            {...languageAttributes(languageOf(task, subject))}
            list={vocabulary.length ? `${id}-vocabulary` : undefined}
            value={draft}
            autoComplete="off"
            data-autofocus
            maxLength={MOST_TAG_LENGTH}
            readOnly={disabled}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button button-secondary" onClick={onAdd} aria-disabled={disabled || undefined}>
            {t('tasks.tagging.add')}
          </button>
        </div>
        {vocabulary.length > 0 && (
          <datalist id={`${id}-vocabulary`}>
            {vocabulary.map((word) => (
              <option key={word} value={word} />
            ))}
          </datalist>
        )}
      </div>
      <p className={`task-message${message.done ? ' task-message-done' : ''}`} role="status" data-testid="task-message">
        {message.say?.(t)}
      </p>
      {!revealed && (
        <div className="tag-reveal">
          <p className="muted">{t('tasks.tagging.ownFirst')}</p>
          <button type="button" className="button button-secondary" onClick={reveal} data-testid="show-proposed-tags">
            {tags.add.length ? t('tasks.tagging.showOthers') : t('tasks.tagging.noneOfMineShowOthers')}
          </button>
        </div>
      )}
      {revealed && shown === 'after-own-tags' && loaded?.length === 0 && <p className="muted">{t('tasks.tagging.noneProposed')}</p>}
      {listed.length > 0 ? (
        <ul className="tag-list" aria-label={t('tasks.tagging.list')}>
          {listed.map((tag) => (
            <TagItem
              key={tag}
              tag={tag}
              votes={shown === 'with-votes' ? proposed.find((each) => sameTag(each.tag, tag)) : undefined}
              own={tags.add.includes(tag)}
              up={tags.up.includes(tag)}
              down={tags.down.includes(tag)}
              onVote={(direction) => vote(tag, direction)}
              onRemove={() => remove(tag)}
            />
          ))}
        </ul>
      ) : (
        <p className="muted">{t('tasks.tagging.none')}</p>
      )}
      <p className="keyboard-hint" id={hintId}>
        {vocabulary.length ? t('tasks.tagging.keysWithSuggestions') : t('tasks.tagging.keys')}
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}

interface TagItemProps {
  tag: string;
  /** The votes other volunteers gave a proposed tag. */
  votes: ProposedTag | undefined;
  /** The volunteer added this tag (it can be removed). */
  own: boolean;
  up: boolean;
  down: boolean;
  onVote(direction: 'up' | 'down'): void;
  onRemove(): void;
}

function TagItem({ tag, votes, own, up, down, onVote, onRemove }: TagItemProps) {
  const { t } = useTranslation();
  return (
    <li className="tag" data-tag={tag}>
      <span className="tag-name" dir="auto">{tag}</span>
      {votes && (
        <span className="tag-votes muted" data-testid="tag-votes">
          <span aria-hidden="true">
            ▲{votes.up} ▼{votes.down}
          </span>
          <span className="visually-hidden">{t('tasks.tagging.votes', { up: votes.up, down: votes.down })}</span>
        </span>
      )}
      {/* A volunteer's own tag already counts as their vote for it: they can only take it back. */}
      <span className="tag-actions">
        {own ? (
          <button type="button" className="button button-secondary button-small" aria-label={t('tasks.tagging.remove', { tag })} onClick={onRemove}>
            <span aria-hidden="true">✕</span>
          </button>
        ) : (
          <>
            <button type="button" className="button button-secondary button-small" aria-pressed={up} aria-label={t('tasks.tagging.agree', { tag })} onClick={() => onVote('up')}>
              <span aria-hidden="true">▲</span>
            </button>
            <button type="button" className="button button-secondary button-small" aria-pressed={down} aria-label={t('tasks.tagging.disagree', { tag })} onClick={() => onVote('down')}>
              <span aria-hidden="true">▼</span>
            </button>
          </>
        )}
      </span>
    </li>
  );
}
