import type { FieldProblem } from '../http/problem';

/** The deepest a JSON body may nest: every body the API takes is far shallower (a pipeline's stages: 3). */
export const MAX_DEPTH = 32;
/** Problems reported at most for one request: enough to fix it, not an answer as large as the request. */
const MAX_PROBLEMS = 20;

/**
 * Names that every plain object inherits. As keys of a body or a query they would read as fields that exist
 * (the unknown-field check sees `constructor` on every object) or change an object's prototype (`__proto__`):
 * they are refused as unknown fields wherever they appear.
 */
export const PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A UTF-16 surrogate without its other half: text that no UTF-8 encoding, email check or database can take. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** A key as it can be shown in an answer: lone surrogates written out as \uXXXX. */
const shown = (key: string): string =>
  key.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16)}`,
  );

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/**
 * What no field of the API accepts, found before any validator runs (which would crash on some of it): nesting
 * deeper than MAX_DEPTH, ill-formed Unicode in any string or key, keys named after Object.prototype members.
 * Walks the value without recursion, so a value nested a million levels deep is refused, not a stack overflow.
 * Each problem names the field by its path (`budget.amount`, `tags.0`); `root` names the value itself.
 */
export function hostileInput(value: unknown, root = 'body'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: { readonly value: unknown; readonly path: string; readonly depth: number }[] = [
    { value, path: '', depth: 0 },
  ];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value: current, path, depth } = pending.pop()!;
    const field = path === '' ? root : path;
    if (typeof current === 'string') {
      if (!isWellFormed(current)) {
        problems.push({ field, reason: 'must be well-formed Unicode text (it holds a lone surrogate)' });
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ field, reason: `nests deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        pending.push({ value: current[index] as unknown, path: join(path, index), depth: depth + 1 });
      }
      continue;
    }
    const children: typeof pending = [];
    for (const key of Object.keys(current)) {
      const at = join(path, shown(key));
      if (!isWellFormed(key)) {
        problems.push({ field: at, reason: 'is not a known field (its name is not well-formed Unicode)' });
      } else if (PROTOTYPE_MEMBERS.has(key)) {
        problems.push({ field: at, reason: 'is not a known field' });
      } else {
        children.push({ value: (current as Record<string, unknown>)[key], path: at, depth: depth + 1 });
      }
    }
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]!);
  }
  return problems;
}
