// A token bucket on the virtual clock, with the reporting shape of Linux's printk
// ratelimit: while messages are being refused they are counted, and the first message let
// through afterwards (or a flush) reports "N messages suppressed" once (linux-eeh.md §8;
// the kernel's "callbacks suppressed"). Nothing reads the wall clock.

export interface RateLimit {
  /** Messages allowed in a burst (bucket capacity). */
  readonly burst: number;
  /** Milliseconds to refill the whole bucket. */
  readonly intervalMs: number;
}

export interface Admission {
  readonly allowed: boolean;
  /** Messages suppressed since the last one let through; report them before this one. */
  readonly suppressedBefore: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private suppressed = 0;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    if (!(limit.burst >= 1) || !(limit.intervalMs > 0)) throw new RangeError(`bad rate limit: burst ${limit.burst}, interval ${limit.intervalMs} ms`);
    this.tokens = limit.burst;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) * this.limit.burst) / this.limit.intervalMs);
      this.last = now;
    }
  }

  /** Would a message be let through now (without taking a token)? */
  peek(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Take a token if there is one; otherwise count the message as suppressed. */
  admit(now: number): Admission {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      const s = this.suppressed;
      this.suppressed = 0;
      return { allowed: true, suppressedBefore: s };
    }
    this.suppressed++;
    return { allowed: false, suppressedBefore: 0 };
  }

  /** Count a message as suppressed without asking (another bucket refused it). */
  suppress(): void {
    this.suppressed++;
  }

  /** Messages suppressed and not yet reported; resets the count. */
  takeSuppressed(): number {
    const s = this.suppressed;
    this.suppressed = 0;
    return s;
  }

  pendingSuppressed(): number {
    return this.suppressed;
  }
}

/** The most lines a stream limited by `limit` can produce over `elapsedMs` (plus summaries). */
export function maxAdmitted(limit: RateLimit, elapsedMs: number): number {
  return Math.floor(limit.burst + (elapsedMs * limit.burst) / limit.intervalMs);
}
