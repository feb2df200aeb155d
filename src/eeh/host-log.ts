// The host's kernel log: a stream of structured records, each carrying the Linux-style text
// line, its level and its { phb, pe, guest } bindings (DESIGN.md "Logging", STYLE.md pino).
// Every record goes through a pino logger whose destination is the in-memory record store
// (tests grep it the way a person greps dmesg); a caller's own pino logger, when given,
// receives the same records as a child with the `line` field. Time is the virtual clock's
// (`vtime`); pino's wall-clock timestamp is switched off.

import { pino, type Logger } from "pino";
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
const LEVEL_OF_PINO: Record<number, LogLevel> = { 50: "err", 40: "warn", 30: "info", 20: "debug" };

interface PinoRecord {
  level: number;
  vtime: number;
  line: string;
  phb?: number;
  pe?: number | "phb";
  guest?: string;
}

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

  /** The pino logger every record passes through (destination: `records`). */
  readonly logger: Logger;

  constructor(
    private readonly clock: VirtualClock,
    private readonly external?: Logger,
    /** Lines at this level and below are kept (debug lines are off by default, like pr_debug). */
    private readonly keepDebug = false,
    readonly guestLimits: GuestLogLimits = DEFAULT_GUEST_LOG_LIMITS,
  ) {
    const store = {
      write: (json: string): void => {
        const r = JSON.parse(json) as PinoRecord;
        this.records.push({
          time: r.vtime,
          level: LEVEL_OF_PINO[r.level] ?? "info",
          line: r.line,
          ...(r.phb !== undefined ? { phb: r.phb } : {}),
          ...(r.pe !== undefined ? { pe: r.pe } : {}),
          ...(r.guest !== undefined ? { guest: r.guest } : {}),
        });
      },
    };
    this.logger = pino({ level: "debug", base: undefined, timestamp: false }, store);
  }

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
    const fields = { vtime: this.clock.now(), line: text, ...ctx };
    this.logger[PINO_LEVEL[level]](fields);
    this.external?.[PINO_LEVEL[level]](fields);
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
