/** Lengths of time in milliseconds, the unit of Date arithmetic: the one place they are written. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
