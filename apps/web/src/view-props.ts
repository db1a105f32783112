import type { ApiClient, Schemas } from '@app/api-client';

/** The signed-in key, as GET /me answers: its name, roles, and what it may do (the page shows only that). */
export type Me = Schemas['MeView'];

/** What a key may do, as the access matrix of the API names it (GET /me `allows`). */
export type Access = Me['allows'][number];

/** What the shell gives every view. */
export interface ViewProps {
  readonly api: ApiClient;
  /** An ISO moment while the user travels in time; null: now. */
  readonly asOf: string | null;
  readonly pipelineId: string;
  /** Increments on every live change notice (and after the page's own commands): views refetch when it changes. */
  readonly changes: number;
  /**
   * The log position of the latest change seen (a notice, or a command of this page); null before any. Send it
   * as minPosition, so that what a view reads includes that change.
   */
  readonly seenPosition: string | null;
  readonly me: Me;
  /** Records a command this page made (its answer's position), so that every view refetches including it. */
  readonly onCommand: (position: string) => void;
}

/** Whether the key may do this (GET /me `allows`). */
export const may = (me: Me, access: Access): boolean => me.allows.includes(access);
