// Run settings shared by the property tests: a fixed number of runs, and a replay of a reported
// failure when FC_SEED (and optionally FC_PATH) are set to what fast-check printed.
import type fc from "fast-check";

export function replayOptions<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
