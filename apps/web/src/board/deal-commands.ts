import type { ApiClient } from '@app/api-client';
import { ifMatch, problemDetail } from '../api';
import type { Deal } from './board-data';

/** What a command answered: accepted (the new revision and the log position), or refused with the reason. */
export type CommandOutcome =
  | { readonly accepted: true; readonly revision: number; readonly position: string }
  | { readonly accepted: false; readonly detail: string };

type Answer = {
  data?: { revision: number; position: string };
  error?: unknown;
  response: Response;
};

const outcomeOf = ({ data, error, response }: Answer): CommandOutcome =>
  data
    ? { accepted: true, revision: data.revision, position: data.position }
    : { accepted: false, detail: problemDetail(error, response) };

/** Moves the deal to another stage of its pipeline, only if it is still at the revision shown. */
export const moveDeal = async (api: ApiClient, deal: Deal, stage: string): Promise<CommandOutcome> =>
  outcomeOf(
    await api.POST('/deals/{dealId}/move', {
      params: { path: { dealId: deal.dealId } },
      headers: ifMatch(deal.revision),
      body: { stage },
    }),
  );

export const winDeal = async (api: ApiClient, deal: Deal): Promise<CommandOutcome> =>
  outcomeOf(
    await api.POST('/deals/{dealId}/win', {
      params: { path: { dealId: deal.dealId } },
      headers: ifMatch(deal.revision),
      body: {},
    }),
  );

export const loseDeal = async (api: ApiClient, deal: Deal, reason: string): Promise<CommandOutcome> =>
  outcomeOf(
    await api.POST('/deals/{dealId}/lose', {
      params: { path: { dealId: deal.dealId } },
      headers: ifMatch(deal.revision),
      body: { reason },
    }),
  );
