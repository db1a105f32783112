/**
 * The k-th smallest of the values (k from 0), which it reorders so that every value before k is at most it
 * and every value after at least it: Hoare's selection, O(n) on average where a sort is O(n log n).
 */
export function selectInPlace(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    // The middle of three as pivot: runs already in order (as durations often are) still split evenly.
    const a = values[low]!;
    const b = values[(low + high) >> 1]!;
    const c = values[high]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    // values[low..j] <= pivot <= values[i..high], and whatever lies between equals the pivot.
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * The median of whole numbers, the mean of the two middle ones rounded to a whole number (halves up) for an
 * even count; reorders the values. Not for an empty array.
 */
export function medianInPlace(values: Float64Array): number {
  const middle = values.length >> 1;
  const upper = selectInPlace(values, middle);
  if (values.length % 2 === 1) return upper;
  // The selection left the lower half before `middle`: its largest is the other middle value.
  let lower = values[0]!;
  for (let i = 1; i < middle; i++) if (values[i]! > lower) lower = values[i]!;
  return Math.round((lower + upper) / 2);
}

/** Scratch space kept up to this many values (8 MiB): a report needs one array at a time, and frees it at once. */
const KEPT = 1 << 20;
let scratch = new Float64Array(0);

/**
 * An array of `count` values to fill and reorder before the next call: reused, as a fresh array of hundreds
 * of thousands of values for every report made filling it ten times slower (measured at 1M events).
 */
export function scratchOf(count: number): Float64Array {
  if (count > KEPT) return new Float64Array(count);
  if (scratch.length < count) scratch = new Float64Array(Math.min(KEPT, Math.max(count, 2 * scratch.length)));
  return scratch.subarray(0, count);
}
