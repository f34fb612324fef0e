// The two timestamp formats of the contract.

/** Member times: UTC to the whole second, `2016-09-01T02:05:14Z`. */
export function memberTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Job times: UTC with milliseconds, `2024-11-06T06:30:00.778Z`. */
export function jobTime(date: Date): string {
  return date.toISOString();
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
