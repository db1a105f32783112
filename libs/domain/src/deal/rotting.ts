import type { ExistingDeal } from './deal.state';

const DAY_MS = 24 * 3600 * 1000;

/** The last time someone worked the deal: it entered its stage, or a note or a completed activity. */
export function lastTouchedAt(deal: ExistingDeal): string {
  const activity = deal.interactions.lastActivityAt;
  return activity !== null && activity > deal.stageEnteredAt ? activity : deal.stageEnteredAt;
}

/**
 * When an untouched deal starts to rot: its last touch plus its stage's rotting period; null when the stage
 * has none. Scheduling a follow-up does not count as a touch: doing it does.
 */
export function rotsAt(deal: ExistingDeal, rottenAfterDays: number | null): string | null {
  if (rottenAfterDays === null) return null;
  return new Date(Date.parse(lastTouchedAt(deal)) + rottenAfterDays * DAY_MS).toISOString();
}

/** Since when an open deal has been rotting at a moment (ISO instant), or null if it is not. */
export function rottingSince(deal: ExistingDeal, rottenAfterDays: number | null, at: string): string | null {
  if (deal.status !== 'open') return null;
  const since = rotsAt(deal, rottenAfterDays);
  return since !== null && since <= at ? since : null;
}
