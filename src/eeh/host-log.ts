// The host's kernel log: a stream of structured records, each carrying the Linux-style text
// line, its level and its { phb, pe, guest } bindings (DESIGN.md "Logging", STYLE.md pino).
// Records are kept in memory (tests grep them the way a person greps dmesg) and, when a pino
// logger is given, written through it as well. Time is the virtual clock's.

import type { Logger } from "pino";
import type { VirtualClock } from "../core/clock.js";
import { TokenBucket, type RateLimit } from "../core/ratelimit.js";
import type { KernelLog } from "../platform/eeh-ops.js";

/**
 * Limits for lines a guest can cause on the host (freeze notices, diag dumps, passthrough
 * notes, injected errors): a bucket per (guest, PE) and one global bucket for all guests.
 * Host-internal lines are never limited by a guest's bucket.
 */
export interface GuestLogLimits {
  readonly perGuestPe: RateLimit;
  readonly global: RateLimit;
}

export const DEFAULT_GUEST_LOG_LIMITS: GuestLogLimits = {
  perGuestPe: { burst: 10, intervalMs: 5000 },
  global: { burst: 50, intervalMs: 5000 },
};

export type LogLevel = "err" | "warn" | "info" | "debug";

export interface HostLogRecord {
  /** Virtual time in ms. */
  readonly time: number;
  readonly level: LogLevel;
  readonly line: string;
  readonly phb?: number;
  readonly pe?: number | "phb";
  readonly guest?: string;
}

const PINO_LEVEL: Record<LogLevel, "error" | "warn" | "info" | "debug"> = { err: "error", warn: "warn", info: "info", debug: "debug" };

export class HostLog implements KernelLog {
  readonly records: HostLogRecord[] = [];
  /** Guest-caused lines, counted whether or not they reached the log, per guest. */
  readonly guestCounts = new Map<string, { logged: number; suppressed: number }>();
  private readonly buckets = new Map<string, TokenBucket>();
  private globalBucket: TokenBucket | undefined;
  /**
   * Who caused the line being written, when its writer does not say. Unset (the default),
   * every line written with `line()` is the host's. The VFIO layer sets it so that what the
   * EEH core and the platform write while serving a guest's request (diag dumps, reset
   * warnings, injection failures) goes through that guest's buckets like any guest-caused
   * line. A line that names its guest, or a debug line that is not kept, is never rerouted.
   */
  attribution: (() => string | undefined) | undefined = undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly pino?: Logger,
    /** Lines at this level and below are kept (debug lines are off by default, like pr_debug). */
    private readonly keepDebug = false,
    readonly guestLimits: GuestLogLimits = DEFAULT_GUEST_LOG_LIMITS,
  ) {}

  /**
   * A line a guest caused: it passes the (guest, PE) bucket and the global bucket, or is
   * counted as suppressed. When a bucket lets a line through after refusing some, one
   * "N messages suppressed" summary line goes first (the shape of Linux's
   * "callbacks suppressed").
   */
  guestLine(guest: string, level: LogLevel, text: string, ctx: { phb?: number; pe?: number | "phb" } = {}): boolean {
    const now = this.clock.now();
    const count = this.guestCounts.get(guest) ?? { logged: 0, suppressed: 0 };
    this.guestCounts.set(guest, count);
    const key = `${guest}/${ctx.phb ?? "-"}/${ctx.pe ?? "-"}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.guestLimits.perGuestPe, now)));
    this.globalBucket ??= new TokenBucket(this.guestLimits.global, now);
    // Both must have room; a refusal by either is counted where it happened.
    if (!bucket.peek(now)) {
      bucket.admit(now);
      count.suppressed++;
      return false;
    }
    const g = this.globalBucket.admit(now);
    if (!g.allowed) {
      bucket.suppress();
      count.suppressed++;
      return false;
    }
    const b = bucket.admit(now);
    const suppressed = b.suppressedBefore + g.suppressedBefore;
    if (suppressed > 0) this.line("warn", `eeh-emu: guest ${guest}: ${suppressed} messages suppressed`, { ...ctx, guest });
    this.line(level, text, { ...ctx, guest });
    count.logged++;
    return true;
  }

  /** Report every suppression not yet reported (at the end of a run). */
  flushSuppressed(): void {
    for (const [key, b] of this.buckets) {
      const n = b.takeSuppressed();
      if (n > 0) this.line("warn", `eeh-emu: guest ${key.split("/")[0]}: ${n} messages suppressed`, { guest: key.split("/")[0]! });
    }
    const g = this.globalBucket?.takeSuppressed() ?? 0;
    if (g > 0) this.line("warn", `eeh-emu: guests: ${g} messages suppressed`);
  }

  line(level: LogLevel, text: string, ctx: { phb?: number; pe?: number | "phb"; guest?: string } = {}): void {
    if (level === "debug" && !this.keepDebug) return;
    if (ctx.guest === undefined && this.attribution) {
      const guest = this.attribution();
      if (guest !== undefined) {
        this.guestLine(guest, level, text, ctx);
        return;
      }
    }
    const rec: HostLogRecord = { time: this.clock.now(), level, line: text, ...ctx };
    this.records.push(rec);
    this.pino?.[PINO_LEVEL[level]]({ vtime: rec.time, phb: ctx.phb, pe: ctx.pe, guest: ctx.guest, line: text });
  }

  /** The log as `dmesg` prints it: `[seconds.micros] text`. */
  dmesg(): string[] {
    return this.records.map((r) => `[${(r.time / 1000).toFixed(6).padStart(12)}] ${r.line}`);
  }

  /** Lines containing `needle`, for tests that grep. */
  grep(needle: string | RegExp): string[] {
    return this.records.map((r) => r.line).filter((l) => (typeof needle === "string" ? l.includes(needle) : needle.test(l)));
  }
}
