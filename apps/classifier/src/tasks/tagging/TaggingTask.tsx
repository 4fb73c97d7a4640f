import type { TaggingAnnotation } from '@chorus/tasks';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import { TaskHelp } from '../TaskHelp';
import type { TaskOf, TaskProps } from '../types';

type Task = TaskOf<'tagging'>;

function current(value: unknown): TaggingAnnotation {
  const v = (value ?? {}) as Partial<TaggingAnnotation>;
  return { add: v.add ?? [], up: v.up ?? [], down: v.down ?? [] };
}

export interface TaggingTaskProps extends TaskProps<Task> {
  /**
   * Tags other volunteers proposed for this subject, to vote up or down. The API does not expose them yet,
   * so the classifier passes none; the volunteer's own new tags can be voted on all the same.
   */
  proposedTags?: string[];
}

/**
 * Tagging: a text field with the task's vocabulary as suggestions (a native datalist), Enter or "Add" adds
 * the tag; every tag on the list has "agree" and "disagree" toggles (up and down votes), and the
 * volunteer's own tags a "remove" button. Submits `{ add, up, down }`.
 */
export function TaggingTask({ task, id, value, onChange, disabled, proposedTags = [] }: TaggingTaskProps) {
  const tags = current(value);
  const [draft, setDraft] = useState('');
  const [message, setMessage] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const vocabulary = task.vocabulary ?? [];

  const update = (next: Partial<TaggingAnnotation>) => {
    if (!disabled) onChange({ ...tags, ...next });
  };

  function add() {
    const tag = draft.trim().replace(/\s+/g, ' ');
    if (!tag) {
      setMessage('Type a tag first.');
      return;
    }
    // A tag from the vocabulary keeps the vocabulary's spelling, whatever case the volunteer typed.
    const known = vocabulary.find((word) => word.toLowerCase() === tag.toLowerCase());
    if (!known && task.vocabulary && !task.allowFreeTags) {
      setMessage(`“${tag}” is not one of this project's tags. Choose one of the suggestions.`);
      return;
    }
    const final = (known ?? tag).slice(0, 100);
    if ([...tags.add, ...proposedTags].some((existing) => existing.toLowerCase() === final.toLowerCase())) {
      setMessage(`“${final}” is already on the list.`);
      return;
    }
    if (tags.add.length >= task.maxTags) {
      setMessage(`You can add at most ${task.maxTags} tags.`);
      return;
    }
    update({ add: [...tags.add, final] });
    setDraft('');
    setMessage(`Added “${final}”.`);
    input.current?.focus();
  }

  function remove(tag: string) {
    update({ add: tags.add.filter((t) => t !== tag), up: tags.up.filter((t) => t !== tag), down: tags.down.filter((t) => t !== tag) });
    setMessage(`Removed “${tag}”.`);
    input.current?.focus();
  }

  function vote(tag: string, direction: 'up' | 'down') {
    const other = direction === 'up' ? 'down' : 'up';
    const on = tags[direction].includes(tag);
    update({ [direction]: on ? tags[direction].filter((t) => t !== tag) : [...tags[direction], tag], [other]: tags[other].filter((t) => t !== tag) });
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

  const listed = [...proposedTags, ...tags.add.filter((tag) => !proposedTags.includes(tag))];
  const inputId = `${id}-tag`;
  const hintId = `${id}-keys`;
  return (
    <fieldset className="task task-tagging" aria-describedby={hintId}>
      <legend className="task-question">{task.instruction}</legend>
      <div className="tag-entry">
        <label htmlFor={inputId}>Add a tag</label>
        <div className="tag-entry-row">
          <input
            ref={input}
            id={inputId}
            type="text"
            list={vocabulary.length ? `${id}-vocabulary` : undefined}
            value={draft}
            autoComplete="off"
            data-autofocus
            maxLength={100}
            readOnly={disabled}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button button-secondary" onClick={onAdd} aria-disabled={disabled || undefined}>
            Add
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
      <p className="task-message" role="status" data-testid="task-message">
        {message}
      </p>
      {listed.length > 0 ? (
        <ul className="tag-list" aria-label="Tags">
          {listed.map((tag) => (
            <li key={tag} className="tag" data-tag={tag}>
              <span className="tag-name">{tag}</span>
              <span className="tag-actions">
                <button type="button" className="button button-secondary button-small" aria-pressed={tags.up.includes(tag)} aria-label={`Agree with “${tag}”`} onClick={() => vote(tag, 'up')}>
                  <span aria-hidden="true">▲</span>
                </button>
                <button type="button" className="button button-secondary button-small" aria-pressed={tags.down.includes(tag)} aria-label={`Disagree with “${tag}”`} onClick={() => vote(tag, 'down')}>
                  <span aria-hidden="true">▼</span>
                </button>
                {tags.add.includes(tag) && (
                  <button type="button" className="button button-secondary button-small" aria-label={`Remove “${tag}”`} onClick={() => remove(tag)}>
                    <span aria-hidden="true">✕</span>
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No tags yet.</p>
      )}
      <p className="keyboard-hint" id={hintId}>
        Type a tag and press Enter to add it{vocabulary.length ? ' (↓ shows suggestions)' : ''}; Tab reaches each tag's buttons. Ctrl+Enter continues.
      </p>
      <TaskHelp help={task.help} />
    </fieldset>
  );
}
