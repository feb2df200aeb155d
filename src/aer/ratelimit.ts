// The 6.16 AER log ratelimit (aer-xen.md §2.2 (C)): per device, one state for correctable
// and one for non-fatal messages (fatal ones are never limited), defaults
// DEFAULT_RATELIMIT_INTERVAL 5 s / DEFAULT_RATELIMIT_BURST 10, tunable (interval ≤ 0
// disables limiting). This is Linux's `ratelimit_state` — fixed windows: at most `burst`
// messages from the first message of a window until `interval` has passed — which differs
// from the token bucket the host log uses for guest-caused lines (core/ratelimit.ts), so it
// gets its own small model. Time is the virtual clock's.

export const DEFAULT_RATELIMIT_INTERVAL_MS = 5000;
export const DEFAULT_RATELIMIT_BURST = 10;

export interface AerRatelimitConfig {
  intervalMs: number;
  burst: number;
}

export class AerRatelimit {
  private begin: number | undefined;
  private printed = 0;
  /** Messages refused since the state was created. */
  missed = 0;

  constructor(readonly config: AerRatelimitConfig = { intervalMs: DEFAULT_RATELIMIT_INTERVAL_MS, burst: DEFAULT_RATELIMIT_BURST }) {}

  /** ___ratelimit: may a message be printed at `now` (ms)? */
  allow(now: number): boolean {
    const { intervalMs, burst } = this.config;
    if (intervalMs <= 0) return true;
    if (this.begin === undefined) this.begin = now;
    if (now > this.begin + intervalMs) {
      this.begin = now;
      this.printed = 0;
    }
    if (burst > 0 && this.printed < burst) {
      this.printed++;
      return true;
    }
    this.missed++;
    return false;
  }
}
