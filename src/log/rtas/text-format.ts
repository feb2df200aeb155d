// The text shapes RTAS logs take in the kernel log and /var/log/platform (§4.2): the default
// one-line summary, and the rtasmsgs=1 / rtas_errd hex dump — a begin marker, 16 bytes per
// "RTAS <line>:" line in groups of 4 bytes (lower-case hex), an end marker.

import { rtasEventTypeName } from "./names.js";
import type { RtasErrorLog } from "./types.js";

const BYTES_PER_LINE = 16;

export function formatRtasBeginMarker(sequence: number): string {
  return `RTAS: ${sequence} -------- RTAS event begin --------`;
}

export function formatRtasEndMarker(sequence: number): string {
  return `RTAS: ${sequence} -------- RTAS event end ----------`;
}

/** The "RTAS <n>: xxxxxxxx …" lines of a log's bytes (no markers). */
export function formatRtasHexLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += BYTES_PER_LINE) {
    let line = `RTAS ${i / BYTES_PER_LINE}:`;
    for (let j = i; j < Math.min(i + BYTES_PER_LINE, bytes.length); j++) {
      if (j % 4 === 0) line += " ";
      line += (bytes[j] ?? 0).toString(16).padStart(2, "0");
    }
    lines.push(line);
  }
  return lines;
}

/** Begin marker, hex lines, end marker, as the kernel (rtasmsgs=1) and rtas_errd write them. */
export function formatRtasHexDump(bytes: Uint8Array, sequence: number): string[] {
  return [formatRtasBeginMarker(sequence), ...formatRtasHexLines(bytes), formatRtasEndMarker(sequence)];
}

/** The kernel's default line for a logged event (pSeries_log_error without rtasmsgs=1). */
export function formatRtasEventSummary(log: RtasErrorLog, count: number): string {
  const { type, severity } = log.header;
  return `RTAS: event: ${count}, Type: ${rtasEventTypeName(type)} (${type}), Severity: ${severity}`;
}
