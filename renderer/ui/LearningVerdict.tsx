// "Completed — did not learn": the signs that a run learned nothing, the likely cause and the one change
// to try (app/training/learning.ts), shown by the Training and Evaluation panels; and "still improving when
// it stopped" for a run that learned but ran out of epochs. With `onApply`, the change is a button that
// sets it in the open project's training settings.
import type { LearningCheck, SettingChange } from '../../app/training/learning.ts';

function sentence(text: string): string {
  const t = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Button words for a change: "Set the learning rate to 0.01". */
export function changeLabel(change: SettingChange): string {
  if (change.path === 'optimizer.learningRate') return `Set the learning rate to ${change.value}`;
  if (change.path === 'epochs') return `Set epochs to ${change.value}`;
  return `Set class weights to ${change.value}`;
}

export function LearningVerdict({ learning, onApply }: { learning: LearningCheck | null | undefined; onApply?: (change: SettingChange) => void }) {
  if (!learning || learning.learned) return null;
  const change = learning.change ?? null;
  return (
    <div className="mw-wp-card mw-wp-learning" role="alert" data-testid="did-not-learn">
      <strong>Completed — did not learn.</strong>
      <ul>{learning.signs.map((s) => <li key={s}>{sentence(s)}</li>)}</ul>
      {learning.cause && <p>Likely cause: {learning.cause}.</p>}
      {learning.advice && <p data-testid="did-not-learn-advice"><strong>Try this:</strong> {sentence(learning.advice)}</p>}
      {change && onApply && <button type="button" onClick={() => onApply(change)} data-testid="apply-learning-advice">{changeLabel(change)}</button>}
    </div>
  );
}

/** "Still improving when it stopped": a run that learned but ran out of epochs while its loss fell fast. */
export function StillImprovingNote({ learning, onApply }: { learning: LearningCheck | null | undefined; onApply?: (change: SettingChange) => void }) {
  const more = learning?.learned ? learning.stillImproving : null;
  if (!more) return null;
  return (
    <div className="mw-wp-card" role="status" data-testid="still-improving">
      <strong>Still improving when it stopped.</strong> {sentence(more.sign)}
      <p><strong>Try this:</strong> {sentence(more.advice)}</p>
      {onApply && <button type="button" onClick={() => onApply(more.change)} data-testid="apply-still-improving">{changeLabel(more.change)}</button>}
    </div>
  );
}

/** While training: the note the trainer attaches to an epoch when the loss has not fallen for a while. */
export function LiveLearningNote({ note }: { note: string | null }) {
  if (!note) return null;
  return <p className="mw-wp-warning" role="status" data-testid="learning-note">⚠ {note}</p>;
}
