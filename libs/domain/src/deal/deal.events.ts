import type { Stage } from '../pipeline/pipeline';
import type { DomainEvent } from '../shared/message';
import type { Money } from '../shared/values';

export interface DealCreatedData {
  readonly dealId: string;
  readonly leadId: string;
  readonly title: string;
  readonly value: Money;
  readonly expectedCloseDate: string;
  readonly owner?: string;
  readonly stage: Stage;
  readonly createdAt: string;
}

export interface StageAdvancedData {
  readonly dealId: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly advancedAt: string;
}

export interface DealWonData {
  readonly dealId: string;
  /** The deal's value when it was won. */
  readonly value: Money;
  /** The stage the deal was in when it was won. */
  readonly stage: Stage;
  readonly note?: string;
  readonly wonAt: string;
}

export interface DealLostData {
  readonly dealId: string;
  /** The deal's value when it was lost. */
  readonly value: Money;
  /** The stage the deal was in when it was lost. */
  readonly stage: Stage;
  readonly reason: string;
  readonly competitor?: string;
  readonly note?: string;
  readonly lostAt: string;
}

export type DealCreated = DomainEvent<'DealCreated', DealCreatedData>;
export type StageAdvanced = DomainEvent<'StageAdvanced', StageAdvancedData>;
export type DealWon = DomainEvent<'DealWon', DealWonData>;
export type DealLost = DomainEvent<'DealLost', DealLostData>;

export type DealEvent = DealCreated | StageAdvanced | DealWon | DealLost;
