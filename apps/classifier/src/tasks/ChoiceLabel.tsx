/** The label of a numbered answer: its number key (hidden from screen readers, which read the text) and its text. */
export function ChoiceLabel({ htmlFor, index, label }: { htmlFor: string; index: number; label: string }) {
  return (
    <label htmlFor={htmlFor}>
      {index < 9 && (
        <kbd className="answer-key">
          <span aria-hidden="true">{index + 1}</span>
        </kbd>
      )}
      <span className="answer-label">{label}</span>
    </label>
  );
}
