// RTAS extended-delay status codes (pseries-rtas.md §4.4): 990n asks the caller to retry
// after 10^n ms, n = 0..5 (1 ms … 100 s). Firmware picks the smallest n whose delay covers
// the time still to wait.

import { RTAS_EXTENDED_DELAY_MAX, RTAS_EXTENDED_DELAY_MIN } from "./rtas-constants.js";

/** The extended-delay status for `ms` milliseconds still to wait (> 0). */
export function extendedDelayStatus(ms: number): number {
  let n = 0;
  while (n < RTAS_EXTENDED_DELAY_MAX - RTAS_EXTENDED_DELAY_MIN && 10 ** n < ms) n++;
  return RTAS_EXTENDED_DELAY_MIN + n;
}

/** The delay (ms) an extended-delay status asks for, or undefined for any other status. */
export function extendedDelayMs(status: number): number | undefined {
  if (!Number.isInteger(status) || status < RTAS_EXTENDED_DELAY_MIN || status > RTAS_EXTENDED_DELAY_MAX) return undefined;
  return 10 ** (status - RTAS_EXTENDED_DELAY_MIN);
}
