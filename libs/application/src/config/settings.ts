/** The environment a process starts with. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads whole-number settings from `env`: the fallback when unset or empty, else a whole number from min to
 * max; anything else adds a line naming the setting to `problems` and answers the fallback, so that every
 * bad setting is reported at once.
 */
export const integerSettings =
  (env: Env, problems: string[]) =>
  (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
