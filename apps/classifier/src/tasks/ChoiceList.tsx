import type { RefObject } from 'react';
import { useSingleKeysOn } from '../lib/singleKeys';
import { useResearchersWords } from '../lib/textLanguage';

interface Choice {
  value: string;
  label: string;
}

interface ChoiceListProps {
  /** Radios for one answer, checkboxes for several. */
  type: 'radio' | 'checkbox';
  /** Prefix of the inputs' ids, and the radios' group name. */
  id: string;
  choices: readonly Choice[];
  isChecked: (value: string) => boolean;
  onPick: (value: string) => void;
  disabled: boolean;
  /** Receives each input, so that number keys can focus the answer they pick. */
  inputs: RefObject<(HTMLInputElement | null)[]>;
}

/** Numbered answers as native radios or checkboxes, the same for every choice task. */
export function ChoiceList({ type, id, choices, isChecked, onPick, disabled, inputs }: ChoiceListProps) {
  const numbered = useSingleKeysOn();
  return (
    <div className="answers">
      {choices.map((choice, index) => {
        const inputId = `${id}-${index}`;
        return (
          <div className="answer" key={choice.value}>
            <input
              ref={(element) => {
                inputs.current[index] = element;
              }}
              type={type}
              id={inputId}
              name={type === 'radio' ? id : undefined}
              value={choice.value}
              checked={isChecked(choice.value)}
              onChange={() => {
                if (!disabled) onPick(choice.value);
              }}
              aria-disabled={disabled || undefined}
            />
            <ChoiceLabel htmlFor={inputId} index={numbered ? index : undefined} label={choice.label} />
          </div>
        );
      })}
    </div>
  );
}

/**
 * The label of an answer: its number key (hidden from screen readers, which read the text), while single-key
 * shortcuts are on, and its text.
 */
function ChoiceLabel({ htmlFor, index, label }: { htmlFor: string; index: number | undefined; label: string }) {
  const researchersWords = useResearchersWords();
  return (
    <label htmlFor={htmlFor}>
      {index !== undefined && index < 9 && (
        <kbd className="answer-key">
          <span aria-hidden="true">{index + 1}</span>
        </kbd>
      )}
      <span className="answer-label" {...researchersWords}>{label}</span>
    </label>
  );
}
