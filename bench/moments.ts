/** Moments in [from, to), from a fixed seed (mulberry32): the same sequence at every run. */
export function randomMoments(from: number, to: number): () => string {
  let seed = 0x5eed;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return new Date(from + Math.floor(unit * (to - from))).toISOString();
  };
}
