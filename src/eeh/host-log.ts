// The host's kernel log: a stream of structured records, each carrying the Linux-style text
// line, its level and its { phb, pe, guest } bindings (DESIGN.md "Logging", STYLE.md pino).
// Records are kept in memory (tests grep them the way a person greps dmesg) and, when a pino
// logger is given, written through it as well. Time is the virtual clock's.

import type { Logger } from "pino";
import type { VirtualClock } from "../core/clock.js";
import type { KernelLog } from "../platform/eeh-ops.js";

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

  constructor(
    private readonly clock: VirtualClock,
    private readonly pino?: Logger,
    /** Lines at this level and below are kept (debug lines are off by default, like pr_debug). */
    private readonly keepDebug = false,
  ) {}

  line(level: LogLevel, text: string, ctx: { phb?: number; pe?: number | "phb"; guest?: string } = {}): void {
    if (level === "debug" && !this.keepDebug) return;
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
