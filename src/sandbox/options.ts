// The sandbox's numeric settings, each with its default and its bounds, written once: startSandbox
// checks options given from code against them, and the CLI builds its flags and help from them.
import { defaultMemberLimit } from "./access.ts";

export interface IntegerSetting {
  /** The command-line flag, with its argument placeholder. */
  flag: string;
  /** Help text for the flag. */
  help: string;
  default: number;
  min: number;
  max: number;
}

/** Every integer setting of `startSandbox`, by option name. */
export const integerSettings = {
  port: { flag: "--port <number>", help: "port to bind (0 picks a free port)", default: 9292, min: 0, max: 65535 },
  memberLimit: {
    flag: "--member-limit <n>",
    help: `members an image may have (1-${defaultMemberLimit})`,
    default: defaultMemberLimit,
    min: 1,
    max: defaultMemberLimit,
  },
  jobChunkSize: {
    flag: "--job-chunk-size <n>",
    help: "image x project pairs a job writes per transaction",
    default: 500,
    min: 1,
    max: 10_000,
  },
  jobDelayMs: {
    flag: "--job-delay <ms>",
    help: "pause before each job chunk, to watch jobs progress",
    default: 0,
    min: 0,
    max: 60_000,
  },
  maxQueuedJobs: {
    flag: "--max-queued-jobs <n>",
    help: "unfinished jobs per project before batch requests get 503",
    default: 50,
    min: 1,
    max: 100_000,
  },
  bodyLimit: {
    // The largest valid batch request is about 8 KB.
    flag: "--body-limit <bytes>",
    help: "largest request body accepted; larger ones get 413",
    default: 64 * 1024,
    min: 1024,
    max: 16 * 1024 * 1024,
  },
} as const satisfies Record<string, IntegerSetting>;

export type IntegerSettingName = keyof typeof integerSettings;

export class OptionError extends Error {
  override name = "OptionError";
}

/** Whether `n` is within the bounds of a setting. */
export function inBounds(name: IntegerSettingName, n: number): boolean {
  const { min, max } = integerSettings[name];
  return Number.isInteger(n) && n >= min && n <= max;
}

/** The value given for a setting, or its default; an OptionError when out of bounds. */
export function integerOption(name: IntegerSettingName, value: number | undefined): number {
  const setting = integerSettings[name];
  const n = value ?? setting.default;
  if (!inBounds(name, n))
    throw new OptionError(`${name} must be an integer from ${setting.min} to ${setting.max}, got ${String(value)}`);
  return n;
}
