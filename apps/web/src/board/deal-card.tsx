import { type ComponentChildren, Component } from 'preact';
import { useState } from 'preact/hooks';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { dealHash } from '../route';
import type { Deal, StageRow } from './board-data';

/** Which small form of a card is open: one at a time on the board. */
export type CardPanel = 'move' | 'lose';

export interface DealCardProps {
  readonly deal: Deal;
  readonly stages: readonly StageRow[];
  /** The key may command, and the page shows now. */
  readonly canCommand: boolean;
  /** The key may read histories: the card links to the deal's page. */
  readonly linksToHistory: boolean;
  /** A command of this card is on its way. */
  readonly pending: boolean;
  readonly panel: CardPanel | null;
  readonly onPanel: (dealId: string, panel: CardPanel | null) => void;
  readonly onMove: (deal: Deal, stage: string) => void;
  readonly onLose: (deal: Deal, reason: string) => void;
}

/** What a card's buttons do, named in their data-action: the board handles them all (one listener). */
export type CardAction = 'move' | 'win' | 'lose';

const titleOf = (deal: Deal): string => deal.title ?? 'Deal of an erased lead';

/** The stage before or after the deal's, among the active ones; undefined at either end. */
export function neighbourStage(
  stages: readonly StageRow[],
  current: string,
  step: -1 | 1,
): string | undefined {
  const active = stages.filter((row) => !row.retired || row.stage === current);
  const index = active.findIndex((row) => row.stage === current);
  const next = active[index + step];
  return index < 0 || next?.retired ? undefined : next?.stage;
}

/**
 * A deal on the board, drawn again only when one of its props changed: the board redraws its columns often
 * (a drag, a pending move), its cards seldom.
 */
export class DealCard extends Component<DealCardProps> {
  override shouldComponentUpdate(next: DealCardProps): boolean {
    return (Object.keys(next) as (keyof DealCardProps)[]).some((prop) => next[prop] !== this.props[prop]);
  }

  override render() {
    return card(this.props);
  }
}

/**
 * A deal's card: its title, value, owner, close date, rotting mark and next follow-up; its commands. Kept
 * light, as a board holds thousands: its drag, keys and buttons are handled by the board (no hooks here).
 */
function card(props: DealCardProps) {
  const { deal, canCommand, pending, panel } = props;
  const title = titleOf(deal);
  return (
    <article
      class={pending ? 'card pending' : 'card'}
      data-deal-id={deal.dealId}
      data-stage={deal.stage}
      aria-busy={pending ? 'true' : undefined}
      tabIndex={0}
      draggable={canCommand && !pending}
    >
      <h4>{props.linksToHistory ? <a href={dealHash(deal.dealId)}>{title}</a> : title}</h4>
      <p>
        <span class="value" data-value={deal.value.amount} data-currency={deal.value.currency}>
          {formatMoney(deal.value.amount, deal.value.currency)}
        </span>
        {` · ${deal.owner ?? 'no owner'} · closes ${formatDate(deal.expectedCloseDate)}`}
      </p>
      {deal.rottingSince !== null && (
        <p class="rotting" data-testid="rotting">
          {`Rotting since ${formatDate(deal.rottingSince)}`}
        </p>
      )}
      <p data-testid="next-activity">
        {deal.nextActivity
          ? `Next: ${deal.nextActivity.subject} (${deal.nextActivity.type}), due ${formatDateTime(deal.nextActivity.dueAt)}`
          : 'No follow-up planned'}
      </p>
      {canCommand && (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            data-action="move"
            aria-expanded={panel === 'move'}
            disabled={pending}
          >
            Move…
          </button>
          <button type="button" data-action="win" disabled={pending}>
            Win
          </button>
          <button
            type="button"
            class="danger"
            data-action="lose"
            aria-expanded={panel === 'lose'}
            disabled={pending}
          >
            Lose…
          </button>
        </div>
      )}
      {canCommand && panel === 'move' && <MoveForm {...props} title={title} />}
      {canCommand && panel === 'lose' && <LoseForm {...props} title={title} />}
    </article>
  );
}

function MoveForm({ deal, stages, title, onMove, onPanel }: DealCardProps & { readonly title: string }) {
  const targets = stages.filter((row) => !row.retired && row.stage !== deal.stage);
  const [stage, setStage] = useState(targets[0]?.stage ?? '');
  const fieldId = `move-${deal.dealId}`;
  return (
    <CardForm
      name={`Move ${title}`}
      field={{ id: fieldId, label: 'Move to' }}
      command={{ label: 'Move' }}
      onSubmit={() => {
        if (stage !== '') onMove(deal, stage);
        onPanel(deal.dealId, null);
      }}
      onCancel={() => onPanel(deal.dealId, null)}
    >
      <select id={fieldId} value={stage} onChange={(event) => setStage(event.currentTarget.value)}>
        {targets.map((row) => (
          <option key={row.stage} value={row.stage}>
            {row.name}
          </option>
        ))}
      </select>
    </CardForm>
  );
}

function LoseForm({ deal, title, onLose, onPanel }: DealCardProps & { readonly title: string }) {
  const [reason, setReason] = useState('');
  const fieldId = `lose-${deal.dealId}`;
  return (
    <CardForm
      name={`Lose ${title}`}
      field={{ id: fieldId, label: 'Reason' }}
      command={{ label: 'Lose deal', class: 'danger' }}
      onSubmit={() => {
        if (reason.trim() === '') return;
        onLose(deal, reason.trim());
        onPanel(deal.dealId, null);
      }}
      onCancel={() => onPanel(deal.dealId, null)}
    >
      <input
        id={fieldId}
        required
        maxLength={500}
        value={reason}
        onInput={(event) => setReason(event.currentTarget.value)}
      />
    </CardForm>
  );
}

interface CardFormProps {
  /** The form's accessible name. */
  readonly name: string;
  /** Its one field (the child), by id, and the field's label. */
  readonly field: { readonly id: string; readonly label: string };
  /** The submit button. */
  readonly command: { readonly label: string; readonly class?: string };
  readonly onSubmit: () => void;
  readonly onCancel: () => void;
  readonly children: ComponentChildren;
}

/** A card's small form: its field, labelled, then the command's button and Cancel. */
function CardForm({ name, field, command, onSubmit, onCancel, children }: CardFormProps) {
  return (
    <form
      aria-label={name}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <label for={field.id}>{field.label}</label>
      {children}
      <div class="actions">
        <button type="submit" class={command.class}>
          {command.label}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
