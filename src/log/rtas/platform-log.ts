// /var/log/platform as rtas_errd writes it for one event (§3.11, §5): the hex dump between
// begin/end markers carrying rtas_errd's sequence number, then, for EEH SRCs, the
// "EEH Event Notification" lines.

import { encodeRtasLog } from "./codec.js";
import { formatEehNotification } from "./eeh-notification.js";
import { formatRtasHexDump } from "./text-format.js";
import type { RtasErrorLog } from "./types.js";

export interface PlatformLogOptions {
  /** Sequence number in the markers (the kernel's error_log_cnt as rtas_errd read it); default 1. */
  sequence?: number;
}

/**
 * The text rtas_errd appends to /var/log/platform for this log, newline-terminated. `bytes`
 * are the log as read from the kernel (default: `encodeRtasLog(log)`).
 */
export function formatPlatformLog(log: RtasErrorLog, bytes: Uint8Array = encodeRtasLog(log), options: PlatformLogOptions = {}): string {
  const lines = [...formatRtasHexDump(bytes, options.sequence ?? 1), ...formatEehNotification(log)];
  return lines.map((l) => l + "\n").join("");
}
