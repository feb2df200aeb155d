// The host's record of the RTAS error logs the OS received (pseries-rtas.md §4.2, §5):
// pSeries Linux hands the ibm,slot-error-detail buffer to log_error only when the call
// returned 0; pSeries_log_error keeps 8 bytes plus the extended length (when the extended
// bit is set and the length is not zero), clamped to rtas-error-log-max, under the next
// error_log_cnt; rtas_errd then writes the hex dump and, for EEH SRCs, the "EEH Event
// Notification" lines to /var/log/platform (§3.11). The store keeps, per log, those bytes
// and that text, so `decodeRtasText(store.text())` reads back exactly what was logged.
//
// The blob is opaque here: the store only decodes it to produce rtas_errd's text.

import { decodeRtasLog, formatPlatformLog, RTAS_ERROR_LOG_MAX } from "../../log/rtas/index.js";

export interface PlatformLogEntry {
  /** error_log_cnt as rtas_errd read it: 1, 2, … */
  readonly sequence: number;
  /** Virtual time (ms) the OS logged it. */
  readonly at: number;
  /** PHB and PE the log is about, and the severity the OS asked for (1 temporary, 2 permanent). */
  readonly phb: number;
  readonly pe: number;
  readonly severity: number;
  /** The log as the kernel queued it. */
  readonly bytes: Uint8Array;
  /** What rtas_errd appended to /var/log/platform for it. */
  readonly text: string;
}

/** pSeries_log_error's length: 8, plus the extended length when the extended bit is set, clamped to `max`. */
export function kernelLogLength(buf: Uint8Array, max = RTAS_ERROR_LOG_MAX): number {
  if (buf.length < 8) return Math.min(buf.length, max);
  const extended = (buf[1]! & 0x04) !== 0;
  const extLen = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  const len = 8 + (extended && extLen !== 0 ? extLen : 0);
  return Math.min(len, max, buf.length);
}

export class PlatformLogStore {
  private readonly list: PlatformLogEntry[] = [];

  constructor(private readonly max = RTAS_ERROR_LOG_MAX) {}

  /** Log a buffer the way log_error + rtas_errd do; returns the entry. */
  append(buffer: Uint8Array, meta: { at: number; phb: number; pe: number; severity: number }): PlatformLogEntry {
    const bytes = buffer.slice(0, kernelLogLength(buffer, this.max));
    const sequence = this.list.length + 1;
    const text = formatPlatformLog(decodeRtasLog(bytes), bytes, { sequence });
    const entry: PlatformLogEntry = Object.freeze({ sequence, ...meta, bytes, text });
    this.list.push(entry);
    return entry;
  }

  get entries(): readonly PlatformLogEntry[] {
    return this.list;
  }

  /** /var/log/platform: every entry's text, in order. */
  text(): string {
    return this.list.map((e) => e.text).join("");
  }
}
