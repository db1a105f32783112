import { DomainError, type DomainErrorKind } from '../shared/domain-error';
import type { Decider } from '../shared/message';

/**
 * Given/when/then for deciders: `given(events).when(command).then(events)` or `.thenFails(code, kind)`.
 * `then` compares strictly: an optional field left out of an event must be absent, not `undefined`
 * (stored JSON never holds `undefined`).
 */
export function deciderSpec<C, S, E>(decider: Decider<C, S, E>) {
  return {
    given(history: E[]) {
      const state = history.reduce(decider.evolve, decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: E[]) {
              expect(run()).toStrictEqual(expected);
            },
            thenFails(code: string, kind: DomainErrorKind, field?: string) {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainError);
              expect(caught).toMatchObject({ code, kind, ...(field === undefined ? {} : { field }) });
            },
          };
        },
      };
    },
  };
}
